import * as tf from '@tensorflow/tfjs-core';
import type { DatasetV1 } from '@tame/core';
import { loadMnistClassifier } from '@tame/constraints/node';
import { openDataset } from '@tame/datasets/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExperiment } from '../experiment/build-experiment.js';
import { experimentConfigSchema } from '../experiment/experiment-config.js';
import { type DrawGivenContext, samplesGivenContext, scoreConditionalSamples, uprightTurn } from './score-conditional-samples.js';

const classifier = loadMnistClassifier();
afterAll(() => classifier.dispose());

// Uniform noise in place of samples: whatever digit the classifier sees in it, it is the target only by chance.
const noise: DrawGivenContext = (context, seed) => tf.randomUniform([context.shape[0] as number, 28, 28, 1], 0, 1, 'float32', seed);

describe('scoreConditionalSamples', () => {
  const datasets: Record<string, DatasetV1> = {};
  beforeAll(async () => {
    datasets['mnist-sum'] = await openDataset('mnist-sum');
    datasets['mnist-rotate'] = await openDataset('mnist-rotate');
    datasets['mnist-rotate-30'] = await openDataset('mnist-rotate', { config: { angle: 30 } });
  });
  afterAll(() => Object.values(datasets).forEach((dataset) => dataset.dispose()));

  it.each(['mnist-sum', 'mnist-rotate'])('%s: the true targets, turned upright, are the label; noise is near chance; memory is flat', async (name) => {
    const dataset = datasets[name] as DatasetV1;
    const before = tf.memory().numTensors;
    const scores = await scoreConditionalSamples(dataset, classifier, noise, { seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(scores.targets.count).toBe(1000);
    expect(scores.targets.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(scores.samples).toMatchObject({ count: 1000, chance: 0.1 });
    expect(scores.samples.accuracy).toBeLessThanOrEqual(scores.samples.mostCommonLabel + 0.03);
  });

  it('turns MNIST-rotate back by the angle it was built with: the right turn scores high, none or the wrong sign low', async () => {
    const dataset = datasets['mnist-rotate-30'] as DatasetV1;
    expect(uprightTurn(dataset, { angle: 30 })).toBe(-30);
    const targets = async (angle: number) => (await scoreConditionalSamples(dataset, classifier, noise, { contexts: 300, angle })).targets.accuracy;
    const [right, none, wrong] = [await targets(30), await targets(0), await targets(-30)];
    expect(right).toBeGreaterThanOrEqual(0.9);
    expect(wrong).toBeLessThan(right - 0.2);
    expect(none).toBeLessThan(right);
    // A quarter turn left in place leaves few digits readable.
    const unturned = await scoreConditionalSamples(datasets['mnist-rotate'] as DatasetV1, classifier, noise, { contexts: 300, angle: 0 });
    expect(unturned.targets.accuracy).toBeLessThan(0.5);
    expect(() => uprightTurn({ info: { name: 'mnist' } } as DatasetV1)).toThrow(/no digit target to score for dataset 'mnist'/);
  });

  it('scores samples of a conditional ConvDRAW given each context, in batches, reproducibly for a seed, memory flat', async () => {
    const dataset = datasets['mnist-rotate'] as DatasetV1;
    const config = experimentConfigSchema.parse({ model: { id: 'convdraw', config: { preset: 'small' } }, dataset: 'mnist-rotate', objective: { kind: 'geco' }, constraints: [{ id: 're', kappa: 0.12 }] });
    const experiment = buildExperiment(config, dataset);
    try {
      const before = tf.memory().numTensors;
      // 20 contexts in batches of 8: two whole batches and 4 of the third.
      const options = { contexts: 20, batchSize: 8, seed: 5 };
      const scores = await scoreConditionalSamples(dataset, classifier, samplesGivenContext(experiment.model), options);
      expect(tf.memory().numTensors).toBe(before);
      expect(scores.samples.count).toBe(20);
      expect(scores.targets.count).toBe(20);
      expect(scores.targets.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(await scoreConditionalSamples(dataset, classifier, samplesGivenContext(experiment.model), options)).toEqual(scores);
    } finally {
      experiment.dispose();
    }
  });
});
