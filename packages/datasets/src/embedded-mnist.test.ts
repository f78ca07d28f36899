import * as tf from '@tensorflow/tfjs-core';
import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { loadEmbeddedMnist, readEmbeddedMnist } from './embedded-mnist.js';
import { mnistDatasetPlugin } from './node-dataset-plugins.js';
import { readExamples } from './testing/read-examples.js';

describeDatasetPluginConformance(mnistDatasetPlugin, { config: {} });

describe('embedded MNIST', () => {
  it('splits the 10,000 digits 9,000 / 1,000, about 10% of each digit in test, values in [0, 1]', () => {
    const { train, test, classCount } = readEmbeddedMnist();
    expect([train.count, test.count, classCount]).toEqual([9000, 1000, 10]);
    const perClass = new Array<number>(10).fill(0);
    for (const label of test.labels) perClass[label] = (perClass[label] as number) + 1;
    for (const count of perClass) expect(count).toBeGreaterThan(60);
    const image = new Float32Array(784);
    test.copyImage(0, image, 0);
    expect(Math.min(...image)).toBe(0);
    expect(Math.max(...image)).toBeLessThanOrEqual(1);
    expect(Math.max(...image)).toBeGreaterThan(0.9);
  });

  it('the mnist plugin yields the same batches as loadEmbeddedMnist', async () => {
    const reference = loadEmbeddedMnist();
    const dataset = mnistDatasetPlugin.create({ testCount: 1000, splitSeed: 2018 });
    for (const options of [
      { split: 'train', batchSize: 64, seed: 7, epoch: 2, startBatch: 5 },
      { split: 'test', batchSize: 300, seed: 0, epoch: 0 },
    ] as const) {
      const ours = dataset.batches(options)[Symbol.asyncIterator]();
      const theirs = reference.batches(options)[Symbol.asyncIterator]();
      for (let batch = 0; batch < 3; batch += 1) {
        const [a, b] = await Promise.all([ours.next(), theirs.next()]);
        expect(a.done).toBe(b.done);
        if (a.done || b.done) break;
        expect(Array.from(a.value.inputs.dataSync())).toEqual(Array.from(b.value.inputs.dataSync()));
        expect(Array.from(a.value.labels?.dataSync() ?? [])).toEqual(Array.from(b.value.labels?.dataSync() ?? []));
        tf.dispose([a.value.inputs, a.value.labels, b.value.inputs, b.value.labels].filter((tensor) => tensor !== undefined));
      }
      await ours.return?.();
      await theirs.return?.();
    }
  });

  it('keeps its split when the test size changes the seed does not', async () => {
    const small = readEmbeddedMnist({ testCount: 500 });
    const image = new Float32Array(784);
    const other = new Float32Array(784);
    small.test.copyImage(10, image, 0);
    readEmbeddedMnist().test.copyImage(10, other, 0);
    expect(Array.from(image)).toEqual(Array.from(other));
    expect((await readExamples(mnistDatasetPlugin.create({ testCount: 500, splitSeed: 2018 }), 'test')).length).toBe(500);
  });
});
