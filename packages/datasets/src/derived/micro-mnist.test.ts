import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { readEmbeddedMnist } from '../embedded-mnist.js';
import { microMnistDatasetPlugin } from '../node-dataset-plugins.js';
import { imageKey, indexImages, readExamples } from '../testing/read-examples.js';
import { createMicroMnistDataset } from './micro-mnist.js';

describeDatasetPluginConformance(microMnistDatasetPlugin, { config: {} });

describe('Micro-MNIST', () => {
  it('holds 7 distinct training digits, the same in both splits, chosen by the seed', async () => {
    const base = readEmbeddedMnist();
    const dataset = createMicroMnistDataset(base);
    expect(dataset.info).toMatchObject({ name: 'micro-mnist', count: { train: 7, test: 7 }, shape: [28, 28, 1] });
    const train = await readExamples(dataset, 'train');
    expect(await readExamples(dataset, 'test')).toEqual(train);
    const lookup = indexImages(base.train);
    const sources = train.map((example) => (lookup.get(imageKey(example.inputs)) ?? [])[0]);
    expect(new Set(sources).size).toBe(7);
    train.forEach((example, row) => expect(base.train.labels[sources[row] as number]).toBe(example.label));
    expect(await readExamples(createMicroMnistDataset(base), 'train')).toEqual(train);
    const other = await readExamples(createMicroMnistDataset(base, { seed: 1 }), 'train');
    expect(other.map((example) => imageKey(example.inputs))).not.toEqual(train.map((example) => imageKey(example.inputs)));
  });

  it('refuses a batch larger than its 7 examples when the remainder is dropped, and a bad count', async () => {
    const dataset = createMicroMnistDataset(readEmbeddedMnist());
    await expect(readAllTrain()).rejects.toThrow(/64 exceeds the 7 examples/);
    expect(() => createMicroMnistDataset(readEmbeddedMnist(), { count: 0 })).toThrow(/count of micro-mnist/);
    async function readAllTrain() {
      for await (const batch of dataset.batches({ split: 'train', batchSize: 64, seed: 0, epoch: 0 })) batch.inputs.dispose();
    }
  });
});
