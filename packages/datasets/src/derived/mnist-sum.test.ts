import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { readEmbeddedMnist } from '../embedded-mnist.js';
import { mnistSumDatasetPlugin } from '../node-dataset-plugins.js';
import { channelOf, imageKey, indexImages, readExamples } from '../testing/read-examples.js';
import { decodeLabel, labelPixel, syntheticDigits } from '../testing/synthetic-digits.js';
import { createMnistSumDataset } from './mnist-sum.js';

describeDatasetPluginConformance(mnistSumDatasetPlugin, { config: { trainCount: 64, testCount: 16 } });

describe('MNIST-sum', () => {
  it('conditions the target x_c on the context (x_a, x_b) with a + b = c', async () => {
    const dataset = createMnistSumDataset(syntheticDigits(), { trainCount: 500 });
    expect(dataset.info).toMatchObject({ shape: [28, 28, 1], contextShape: [28, 28, 2], classCount: 10 });
    const seenSums = new Set<number>();
    for (const example of await readExamples(dataset, 'train')) {
      const context = example.context as Float32Array;
      const a = decodeLabel(channelOf(context, 2, 0)[labelPixel] as number);
      const b = decodeLabel(channelOf(context, 2, 1)[labelPixel] as number);
      const c = decodeLabel(example.inputs[labelPixel] as number);
      expect(a + b).toBe(c);
      expect(example.label).toBe(c);
      seenSums.add(c);
    }
    expect(seenSums.size).toBe(10);
  });

  it('uses real digits: the context digits add up to the target digit', async () => {
    const base = readEmbeddedMnist();
    const lookup = indexImages(base.test);
    const labelOf = (image: Float32Array) => base.test.labels[(lookup.get(imageKey(image)) ?? [-1])[0] as number] as number;
    for (const example of await readExamples(createMnistSumDataset(base, { testCount: 25 }), 'test')) {
      const context = example.context as Float32Array;
      expect(labelOf(channelOf(context, 2, 0)) + labelOf(channelOf(context, 2, 1))).toBe(labelOf(example.inputs));
      expect(example.label).toBe(labelOf(example.inputs));
    }
  });
});
