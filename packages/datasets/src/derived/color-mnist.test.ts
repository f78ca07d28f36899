import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { readEmbeddedMnist } from '../embedded-mnist.js';
import { colorMnistDatasetPlugin } from '../node-dataset-plugins.js';
import { decodeId, decodeLabel, idPixel, labelPixel, syntheticDigits } from '../testing/synthetic-digits.js';
import { channelOf, imageKey, indexImages, readExamples } from '../testing/read-examples.js';
import { createColorMnistDataset } from './color-mnist.js';

describeDatasetPluginConformance(colorMnistDatasetPlugin, { config: { trainCount: 64, testCount: 16 } });

describe('Color-MNIST', () => {
  it('stacks three digits of the same split in R, G, B with label 100 r + 10 g + b', async () => {
    const base = syntheticDigits();
    const dataset = createColorMnistDataset(base, { seed: 1 });
    expect(dataset.info).toMatchObject({ name: 'color-mnist', count: { train: 40, test: 30 }, shape: [28, 28, 3], classCount: 1000, range: [0, 1] });
    for (const split of ['train', 'test'] as const) {
      for (const example of await readExamples(dataset, split)) {
        const digits = [0, 1, 2].map((channel) => {
          const image = channelOf(example.inputs, 3, channel);
          const id = decodeId(image[idPixel] as number);
          // The instance exists in the same split and carries the label its code pixel shows.
          expect(id).toBeLessThan(base[split].count);
          expect(base[split].labels[id]).toBe(decodeLabel(image[labelPixel] as number));
          return decodeLabel(image[labelPixel] as number);
        });
        expect(example.label).toBe(100 * (digits[0] as number) + 10 * (digits[1] as number) + (digits[2] as number));
      }
    }
  });

  it('uses real digits unchanged, is deterministic for a construction seed and differs across seeds', async () => {
    const base = readEmbeddedMnist();
    const lookup = indexImages(base.test);
    const examples = await readExamples(createColorMnistDataset(base, { seed: 2, testCount: 20 }), 'test');
    for (const example of examples) {
      const labels = [0, 1, 2].map((channel) => {
        const matches = lookup.get(imageKey(channelOf(example.inputs, 3, channel))) ?? [];
        expect(matches.length).toBeGreaterThan(0);
        return base.test.labels[matches[0] as number] as number;
      });
      expect(example.label).toBe(labels[0]! * 100 + labels[1]! * 10 + labels[2]!);
      expect(Math.min(...example.inputs)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...example.inputs)).toBeLessThanOrEqual(1);
    }
    const again = await readExamples(createColorMnistDataset(base, { seed: 2, testCount: 20 }), 'test');
    expect(again).toEqual(examples);
    const other = await readExamples(createColorMnistDataset(base, { seed: 3, testCount: 20 }), 'test');
    expect(other.map((example) => example.label)).not.toEqual(examples.map((example) => example.label));
  });
});
