import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { readEmbeddedMnist } from '../embedded-mnist.js';
import { labelledImagesFromFloats } from '../labelled-images.js';
import { mnistTripletsDatasetPlugin } from '../node-dataset-plugins.js';
import { channelOf, imageKey, indexImages, readExamples } from '../testing/read-examples.js';
import { decodeLabel, labelPixel, syntheticDigits } from '../testing/synthetic-digits.js';
import { createMnistTripletsDataset, digitPairs } from './mnist-triplets.js';

describeDatasetPluginConformance(mnistTripletsDatasetPlugin, { config: { trainCount: 64, testCount: 16 } });

describe('MNIST-triplets', () => {
  it('lists the 55 pairs with a + b <= 9', () => {
    expect(digitPairs).toHaveLength(55);
    expect(new Set(digitPairs.map(([a, b]) => `${a}${b}`)).size).toBe(55);
    expect(digitPairs.every(([a, b]) => a >= 0 && b >= 0 && a + b <= 9)).toBe(true);
  });

  it('holds (x_a, x_b, x_c) with a + b = c in its channels, every pair about equally often', async () => {
    const dataset = createMnistTripletsDataset(syntheticDigits(), { trainCount: 2200 });
    expect(dataset.info).toMatchObject({ shape: [28, 28, 3], classCount: 100, count: { train: 2200, test: 30 } });
    const pairCounts = new Map<number, number>();
    for (const example of await readExamples(dataset, 'train')) {
      const [a, b, c] = [0, 1, 2].map((channel) => decodeLabel(channelOf(example.inputs, 3, channel)[labelPixel] as number)) as [number, number, number];
      expect(a + b).toBe(c);
      expect(example.label).toBe(10 * a + b);
      pairCounts.set(example.label as number, (pairCounts.get(example.label as number) ?? 0) + 1);
    }
    // Uniform over 55 pairs: 40 expected each, standard deviation ~6.3.
    expect(pairCounts.size).toBe(55);
    for (const count of pairCounts.values()) expect(Math.abs(count - 40)).toBeLessThan(30);
  });

  it('is built from real digits whose labels add up, deterministically for a seed', async () => {
    const base = readEmbeddedMnist();
    const lookup = indexImages(base.test);
    const examples = await readExamples(createMnistTripletsDataset(base, { seed: 5, testCount: 30 }), 'test');
    for (const example of examples) {
      const [a, b, c] = [0, 1, 2].map((channel) => base.test.labels[(lookup.get(imageKey(channelOf(example.inputs, 3, channel))) ?? [-1])[0] as number]);
      expect((a as number) + (b as number)).toBe(c);
    }
    expect(await readExamples(createMnistTripletsDataset(base, { seed: 5, testCount: 30 }), 'test')).toEqual(examples);
  });

  it('refuses a base without 10 classes or missing a digit', () => {
    const base = syntheticDigits();
    expect(() => createMnistTripletsDataset({ ...base, classCount: 3 })).toThrow(/has 3 classes; mnist-triplets does arithmetic on digit labels and needs 10/);
    const noSevens = labelledImagesFromFloats(new Float32Array(2 * 784), Int32Array.from([1, 2]), [28, 28, 1]);
    expect(() => createMnistTripletsDataset({ ...base, test: noSevens })).toThrow(/test split has fewer than 1 example\(s\) of class\(es\) 0, 3, 4/);
  });
});
