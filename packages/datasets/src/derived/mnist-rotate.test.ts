import * as tf from '@tensorflow/tfjs-core';
import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { readEmbeddedMnist } from '../embedded-mnist.js';
import { rotateImage } from '../image/rotate-image.js';
import { mnistRotateDatasetPlugin } from '../node-dataset-plugins.js';
import { imageKey, indexImages, readExamples } from '../testing/read-examples.js';
import { decodeId, decodeLabel, idPixel, labelPixel, syntheticDigits } from '../testing/synthetic-digits.js';
import { createMnistRotateDataset } from './mnist-rotate.js';

describeDatasetPluginConformance(mnistRotateDatasetPlugin, { config: { trainCount: 64, testCount: 16, angle: 30 } });

const geometry = { height: 28, width: 28, channels: 1 };

describe('MNIST-rotate', () => {
  it('pairs each context digit with a different example of its label, rotated', async () => {
    const base = syntheticDigits({ train: 3, test: 2 });
    const dataset = createMnistRotateDataset(base, { seed: 2 });
    expect(dataset.info).toMatchObject({ shape: [28, 28, 1], contextShape: [28, 28, 1], classCount: 10, count: { train: 30, test: 20 } });
    const examples = await readExamples(dataset, 'train');
    examples.forEach((example, index) => {
      const context = example.context as Float32Array;
      // Example i's context is base example i.
      expect(decodeId(context[idPixel] as number)).toBe(index);
      // A quarter turn back is exact: it recovers the target instance and its code pixels.
      const unrotated = rotateImage(example.inputs, geometry, -90);
      const targetId = decodeId(unrotated[idPixel] as number);
      expect(targetId).not.toBe(index);
      expect(base.train.labels[targetId]).toBe(base.train.labels[index]);
      expect(decodeLabel(unrotated[labelPixel] as number)).toBe(example.label);
    });
  });

  it('rotates real digits as tf.reverse(tf.transpose(x)) does, and by other angles as rotateImage does', async () => {
    const base = readEmbeddedMnist();
    // Targets rotated a quarter turn, looked up among the test digits turned with tf ops.
    const turned = new Map<string, number>();
    const buffer = new Float32Array(784);
    for (let index = 0; index < base.test.count; index += 1) {
      base.test.copyImage(index, buffer, 0);
      const rotated = tf.tidy(() => tf.reverse(tf.transpose(tf.tensor2d(buffer, [28, 28])), 0).dataSync() as Float32Array);
      turned.set(imageKey(rotated), index);
    }
    const examples = await readExamples(createMnistRotateDataset(base, { testCount: 40 }), 'test');
    const contexts = indexImages(base.test);
    examples.forEach((example, index) => {
      const source = turned.get(imageKey(example.inputs));
      expect(source).toBeDefined();
      expect(source).not.toBe(index);
      expect(base.test.labels[source as number]).toBe(example.label);
      expect(contexts.get(imageKey(example.context as Float32Array))).toContain(index);
    });
    // Any angle: the target is rotateImage of a same-label digit (found by rotating every candidate).
    const tilted = await readExamples(createMnistRotateDataset(base, { testCount: 5, angle: 30 }), 'test');
    for (const [index, example] of tilted.entries()) {
      const candidates = Array.from({ length: base.test.count }, (_, candidate) => candidate).filter(
        (candidate) => candidate !== index && base.test.labels[candidate] === example.label,
      );
      const matches = candidates.filter((candidate) => {
        base.test.copyImage(candidate, buffer, 0);
        return imageKey(rotateImage(buffer, geometry, 30)) === imageKey(example.inputs);
      });
      expect(matches).toHaveLength(1);
    }
  });

  it('is deterministic for a seed and picks other partners with another seed', async () => {
    const base = syntheticDigits({ train: 6, test: 2 });
    const first = await readExamples(createMnistRotateDataset(base, { seed: 1 }), 'train');
    expect(await readExamples(createMnistRotateDataset(base, { seed: 1 }), 'train')).toEqual(first);
    const other = await readExamples(createMnistRotateDataset(base, { seed: 2 }), 'train');
    expect(other.map((example) => imageKey(example.inputs))).not.toEqual(first.map((example) => imageKey(example.inputs)));
  });

  it('needs two examples of each label to pair different instances', () => {
    expect(() => createMnistRotateDataset(syntheticDigits({ train: 1, test: 1 }))).toThrow(/fewer than 2 example\(s\) of class\(es\) 0, 1, 2/);
    expect(() => createMnistRotateDataset(syntheticDigits(), { angle: Number.NaN })).toThrow(/angle of mnist-rotate/);
  });
});
