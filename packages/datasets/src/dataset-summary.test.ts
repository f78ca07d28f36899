import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset } from '@tame/core';
import { describe, expect, it } from 'vitest';
import { summarizeDataset } from './dataset-summary.js';
import { createMnistSumDataset } from './derived/mnist-sum.js';
import { syntheticDigits } from './testing/synthetic-digits.js';

describe('summarizeDataset', () => {
  it('reports counts, shape, the value range and examples per class, computed by hand', async () => {
    const dataset = createArrayDataset({
      name: 'hand',
      train: [0.5, -2, 3, 1, 0, 0],
      trainLabels: [2, 0, 2],
      test: [7, 1],
      testLabels: [2],
      shape: [2],
    });
    const before = tf.memory().numTensors;
    expect(await summarizeDataset(dataset, { batchSize: 2 })).toEqual({
      name: 'hand',
      count: { train: 3, test: 1 },
      shape: [2],
      min: -2,
      max: 7,
      labels: { '0': 1, '2': 3 },
      examined: { train: 3, test: 1 },
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops after maxExamples per split, and says null for unlabelled or unread data', async () => {
    const dataset = createArrayDataset({ train: [1, 2, 3, 4, 5], test: [1.5], shape: [1] });
    expect(await summarizeDataset(dataset, { maxExamples: 2 })).toMatchObject({ min: 1, max: 2, labels: null, examined: { train: 2, test: 1 } });
    expect(await summarizeDataset(dataset, { maxExamples: 0 })).toMatchObject({ min: null, max: null, examined: { train: 0, test: 0 } });
  });

  it('gives the context shape of a conditional dataset', async () => {
    const summary = await summarizeDataset(createMnistSumDataset(syntheticDigits(), { trainCount: 20, testCount: 10 }));
    expect(summary).toMatchObject({ shape: [28, 28, 1], contextShape: [28, 28, 2], count: { train: 20, test: 10 }, min: 0 });
    expect(Object.values(summary.labels ?? {}).reduce((sum, count) => sum + count, 0)).toBe(30);
  });
});
