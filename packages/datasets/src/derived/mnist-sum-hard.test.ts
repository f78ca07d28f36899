import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { readEmbeddedMnist } from '../embedded-mnist.js';
import { mnistSumHardDatasetPlugin } from '../node-dataset-plugins.js';
import { channelOf, imageKey, indexImages, readExamples } from '../testing/read-examples.js';
import { decodeLabel, labelPixel, syntheticDigits } from '../testing/synthetic-digits.js';
import { createMnistSumHardDataset } from './mnist-sum-hard.js';

describeDatasetPluginConformance(mnistSumHardDatasetPlugin, { config: { trainCount: 64, testCount: 16 } });

describe('MNIST-sum-hard', () => {
  it('conditions a target pair (x_a, x_b) on the context x_c with a + b = c; one sum has several pairs', async () => {
    const dataset = createMnistSumHardDataset(syntheticDigits(), { trainCount: 600 });
    expect(dataset.info).toMatchObject({ shape: [28, 28, 2], contextShape: [28, 28, 1], classCount: 100 });
    const pairsBySum = new Map<number, Set<number>>();
    for (const example of await readExamples(dataset, 'train')) {
      const c = decodeLabel((example.context as Float32Array)[labelPixel] as number);
      const a = decodeLabel(channelOf(example.inputs, 2, 0)[labelPixel] as number);
      const b = decodeLabel(channelOf(example.inputs, 2, 1)[labelPixel] as number);
      expect(a + b).toBe(c);
      expect(example.label).toBe(10 * a + b);
      pairsBySum.set(c, (pairsBySum.get(c) ?? new Set()).add(example.label as number));
    }
    // The target is multi-modal: sum 9 comes from several of its 10 pairs.
    expect(pairsBySum.get(9)?.size).toBeGreaterThan(5);
  });

  it('uses real digits whose labels add up', async () => {
    const base = readEmbeddedMnist();
    const lookup = indexImages(base.test);
    const labelOf = (image: Float32Array) => base.test.labels[(lookup.get(imageKey(image)) ?? [-1])[0] as number] as number;
    for (const example of await readExamples(createMnistSumHardDataset(base, { testCount: 25, seed: 4 }), 'test')) {
      expect(labelOf(channelOf(example.inputs, 2, 0)) + labelOf(channelOf(example.inputs, 2, 1))).toBe(labelOf(example.context as Float32Array));
    }
  });
});
