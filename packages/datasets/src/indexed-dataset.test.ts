import * as tf from '@tensorflow/tfjs-core';
import { type BatchV1, createArrayDataset, type DatasetBatchesOptionsV1, type DatasetV1 } from '@tame/core';
import { describe, expect, it } from 'vitest';
import { createArraySource, createSubsetSource, type ExampleBlock, type ExampleSource } from './example-source.js';
import { createIndexedDataset } from './indexed-dataset.js';

const count = 23;
const shape = [2, 3];
const values = Float32Array.from({ length: count * 6 }, (_, index) => index / 7);
const labels = Int32Array.from({ length: count }, (_, index) => (index * 5) % 4);
const testValues = values.slice(0, 7 * 6);
const testLabels = labels.slice(0, 7);

function disposeBatch(batch: BatchV1): void {
  tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
}

async function collect(dataset: DatasetV1, options: DatasetBatchesOptionsV1) {
  const batches: { inputs: number[]; labels: number[] | undefined; shape: number[] }[] = [];
  for await (const batch of dataset.batches(options)) {
    batches.push({ inputs: Array.from(batch.inputs.dataSync()), labels: batch.labels && Array.from(batch.labels.dataSync()), shape: batch.inputs.shape });
    disposeBatch(batch);
  }
  return batches;
}

function indexed(source: (values: Float32Array, labels: Int32Array) => ExampleSource = (v, l) => createArraySource({ values: v, exampleSize: 6, labels: l })) {
  return createIndexedDataset({
    id: 'test',
    info: { name: 'test', count: { train: count, test: 7 }, shape, range: [0, 4] },
    splits: { train: source(values, labels), test: source(testValues, testLabels) },
  });
}

/** A source that answers after a timer, counting reads: stands for files on disk. */
function slowSource(inner: ExampleSource, log: string[]): ExampleSource {
  return {
    count: inner.count,
    read(indices) {
      log.push(`read ${indices[0]}`);
      return new Promise<ExampleBlock>((resolve) => setTimeout(() => resolve(inner.read(indices) as ExampleBlock), 5));
    },
  };
}

describe('indexed dataset', () => {
  it("gives exactly core's array dataset batches for every seed, epoch, startBatch, shuffle and remainder option", async () => {
    const reference = createArrayDataset({ train: values, trainLabels: labels, test: testValues, testLabels, shape, range: [0, 4] });
    const dataset = indexed();
    const cases: DatasetBatchesOptionsV1[] = [
      { split: 'train', batchSize: 5, seed: 3, epoch: 0 },
      { split: 'train', batchSize: 5, seed: 3, epoch: 1 },
      { split: 'train', batchSize: 4, seed: 9, epoch: 2, startBatch: 2 },
      { split: 'train', batchSize: 6, seed: 1, epoch: 0, dropRemainder: false },
      { split: 'train', batchSize: 6, seed: 1, epoch: 0, shuffle: false },
      { split: 'test', batchSize: 3, seed: 1, epoch: 0 },
      { split: 'test', batchSize: 3, seed: 1, epoch: 0, shuffle: true, dropRemainder: true },
    ];
    for (const options of cases) expect(await collect(dataset, options), JSON.stringify(options)).toEqual(await collect(reference, options));
  });

  it('orders epochs differently, seeds differently, and covers every example once per epoch', async () => {
    const dataset = indexed();
    const epoch0 = (await collect(dataset, { split: 'train', batchSize: 23, seed: 3, epoch: 0 }))[0]?.inputs ?? [];
    const epoch1 = (await collect(dataset, { split: 'train', batchSize: 23, seed: 3, epoch: 1 }))[0]?.inputs ?? [];
    const seed4 = (await collect(dataset, { split: 'train', batchSize: 23, seed: 4, epoch: 0 }))[0]?.inputs ?? [];
    expect(epoch1).not.toEqual(epoch0);
    expect(seed4).not.toEqual(epoch0);
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    expect(sorted(epoch0)).toEqual(sorted(Array.from(values)));
  });

  it('resumes exactly with startBatch without reading the skipped batches', async () => {
    const log: string[] = [];
    const dataset = indexed((v, l) => slowSource(createArraySource({ values: v, exampleSize: 6, labels: l }), log));
    const full = await collect(dataset, { split: 'train', batchSize: 4, seed: 5, epoch: 3 });
    log.length = 0;
    const resumed = await collect(dataset, { split: 'train', batchSize: 4, seed: 5, epoch: 3, startBatch: 3 });
    expect(resumed).toEqual(full.slice(3));
    expect(log).toHaveLength(full.length - 3);
  });

  it('reads the next batch of a waiting source before the current one is consumed', async () => {
    const log: string[] = [];
    const dataset = indexed((v, l) => slowSource(createArraySource({ values: v, exampleSize: 6, labels: l }), log));
    const iterator = dataset.batches({ split: 'train', batchSize: 4, seed: 0, epoch: 0, shuffle: false })[Symbol.asyncIterator]();
    const first = await iterator.next();
    // Batch 0 is in hand and batch 1 has been requested already.
    expect(log).toEqual(['read 0', 'read 4']);
    disposeBatch(first.value as BatchV1);
    await iterator.return?.();
  });

  it('leaks no tensor when the consumer stops early, and hands out only what it yields', async () => {
    const dataset = indexed((v, l) => slowSource(createArraySource({ values: v, exampleSize: 6, labels: l }), []));
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) {
      for await (const batch of dataset.batches({ split: 'train', batchSize: 4, seed: round, epoch: 0 })) {
        expect(tf.memory().numTensors).toBe(before + 2);
        disposeBatch(batch);
        break;
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('passes a read failure to the consumer', async () => {
    const failing: ExampleSource = { count: 10, read: () => Promise.reject(new Error('disk on fire')) };
    const dataset = createIndexedDataset({ id: 'x', info: { name: 'x', count: { train: 10, test: 0 }, shape: [1], range: [0, 1] }, splits: { train: failing, test: failing } });
    await expect(collect(dataset, { split: 'train', batchSize: 2, seed: 0, epoch: 0 })).rejects.toThrow('disk on fire');
  });

  it('refuses a batch size that would leave an epoch without batches, and invalid batch options', async () => {
    const dataset = indexed();
    await expect(collect(dataset, { split: 'test', batchSize: 8, seed: 0, epoch: 0, dropRemainder: true })).rejects.toThrow(
      /batchSize of dataset 'test'.*8 exceeds the 7 examples of split 'test'/,
    );
    await expect(collect(dataset, { split: 'train', batchSize: 0, seed: 0, epoch: 0 })).rejects.toThrow(/expected a positive integer/);
    await expect(collect(dataset, { split: 'train', batchSize: 2, seed: 0, epoch: 0, startBatch: -1 })).rejects.toThrow(/non-negative integer/);
    // Without dropping, a batch larger than the split is one short batch.
    expect((await collect(dataset, { split: 'test', batchSize: 8, seed: 0, epoch: 0 }))[0]?.shape).toEqual([7, 2, 3]);
  });

  it('renumbers a subset source', () => {
    const source = createSubsetSource(createArraySource({ values, exampleSize: 6, labels }), Int32Array.from([5, 2]));
    const block = source.read(Int32Array.from([1, 0])) as ExampleBlock;
    expect(Array.from(block.inputs)).toEqual([...values.slice(12, 18), ...values.slice(30, 36)]);
    expect(Array.from(block.labels ?? [])).toEqual([labels[2], labels[5]]);
    expect(() => createSubsetSource(source, Int32Array.from([2]))).toThrow(/outside \[0, 2\)/);
  });
});
