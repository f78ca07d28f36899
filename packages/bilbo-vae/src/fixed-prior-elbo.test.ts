import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset, type ModelV1 } from '@tame/core';
import { createGaussianLikelihood } from '@tame/likelihoods';
import { describe, expect, it } from 'vitest';
import type { BilboVaeConfigInput } from './bilbo-vae-config.js';
import { createBilboVaeModel } from './bilbo-vae-model.js';
import { estimatePriorVariance, fixedPriorElbo } from './fixed-prior-elbo.js';

const tiny: BilboVaeConfigInput = { dataShape: [8, 8, 1], encoderFilters: [4, 8], decoderFilters: [8, 4], latentSize: 3, kernelSize: 3 };

/** Deterministic 4-dimensional examples: example e has values (e + k) / 20. */
const count = 7;
const examples = Array.from({ length: count }, (_, example) => [0, 1, 2, 3].map((k) => (example + k) / 20));

/** A stand-in model: reconstruction 0.3 everywhere and "KL" = 10 * (sum of the example), so the ELBO is known. */
const stubModel: ModelV1 = {
  specificationVersion: 'v1',
  id: 'test/stub',
  trainableVariables: [],
  forward: ({ inputs }) =>
    tf.tidy(() => ({
      reconstruction: tf.fill(inputs.shape, 0.3),
      kl: tf.mul(10, tf.sum(tf.reshape(inputs, [inputs.shape[0] as number, -1]), 1)) as tf.Tensor1D,
    })),
  sample: () => tf.zeros([1]),
  getConfig: () => ({}),
  dispose: () => {},
};

describe('fixedPriorElbo', () => {
  const sigma = 0.5;
  const expectedPerExample = examples.map((values) => {
    const nll = values.reduce((sum, x) => sum + (x - 0.3) ** 2 / (2 * sigma * sigma) + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI), 0);
    const kl = 10 * values.reduce((sum, x) => sum + x, 0);
    return { nll, kl };
  });

  it('averages -(NLL + KL) over every example of the split, independently of the batch size', async () => {
    const dataset = createArrayDataset({ train: [], test: examples.flat(), shape: [4] });
    const likelihood = createGaussianLikelihood({ sigma });
    const nll = expectedPerExample.reduce((sum, { nll: value }) => sum + value, 0) / count;
    const kl = expectedPerExample.reduce((sum, { kl: value }) => sum + value, 0) / count;
    const before = tf.memory().numTensors;
    for (const batchSize of [1, 3, 100]) {
      const result = await fixedPriorElbo({ model: stubModel, likelihood, dataset, batchSize, samples: 2 });
      expect(result.examples).toBe(count);
      expect(result.dimensions).toBe(4);
      expect(result.nll).toBeCloseTo(nll, 5);
      expect(result.kl).toBeCloseTo(kl, 5);
      expect(result.elbo).toBeCloseTo(-(nll + kl), 5);
      expect(result.bitsPerDimension).toBeCloseTo((nll + kl) / (4 * Math.LN2), 5);
    }
    expect(tf.memory().numTensors).toBe(before);
    const firstThree = await fixedPriorElbo({ model: stubModel, likelihood, dataset, batchSize: 2, maxExamples: 3 });
    expect(firstThree.examples).toBe(3);
    expect(firstThree.kl).toBeCloseTo(expectedPerExample.slice(0, 3).reduce((sum, { kl: value }) => sum + value, 0) / 3, 5);
    await expect(fixedPriorElbo({ model: stubModel, likelihood, dataset, samples: 0 })).rejects.toThrow(/samples/);
    await expect(fixedPriorElbo({ model: stubModel, likelihood, dataset, split: 'train' })).rejects.toThrow(/no examples/);
  });

  it('on the BILBO VAE uses its frozen prior v: a larger v on unused dimensions lowers the ELBO', async () => {
    const values = tf.tidy(() => tf.randomUniform([10, 8, 8, 1], 0, 1, 'float32', 2).dataSync() as Float32Array);
    const dataset = createArrayDataset({ train: values, test: values, shape: [8, 8, 1] });
    const model = createBilboVaeModel({ ...tiny, name: 'elbo-prior' });
    const likelihood = createGaussianLikelihood({ sigma: 0.2 });
    const atUnit = await fixedPriorElbo({ model, likelihood, dataset, batchSize: 4, seed: 1 });
    model.setPriorVariance([9, 9, 9]);
    const atNine = await fixedPriorElbo({ model, likelihood, dataset, batchSize: 4, seed: 1 });
    // Same draws, same NLL; the KL changes by the closed form, which we check against the means.
    expect(atNine.nll).toBeCloseTo(atUnit.nll, 3);
    const means = tf.tidy(() => model.encode(tf.tensor4d(values, [10, 8, 8, 1])).mean.arraySync());
    const klAt = (v: number) =>
      means.reduce((sum, row) => sum + row.reduce((inner, mu) => inner + 0.5 * Math.log(v) + (1 + mu * mu) / (2 * v) - 0.5, 0), 0) / 10;
    expect(atUnit.kl).toBeCloseTo(klAt(1), 3);
    expect(atNine.kl).toBeCloseTo(klAt(9), 3);
    model.dispose();
  });
});

describe('estimatePriorVariance', () => {
  it('is E[mu^2] + s^2 over the whole split, whatever the batch size, and can assign it', async () => {
    const values = tf.tidy(() => tf.randomUniform([9, 8, 8, 1], 0, 1, 'float32', 4).dataSync() as Float32Array);
    const dataset = createArrayDataset({ train: values, shape: [8, 8, 1] });
    const s = 0.6;
    const model = createBilboVaeModel({ ...tiny, name: 'estimate-prior', posteriorScale: s });
    const means = tf.tidy(() => model.encode(tf.tensor4d(values, [9, 8, 8, 1])).mean.arraySync());
    const expected = [0, 1, 2].map((j) => means.reduce((sum, row) => sum + (row[j] as number) ** 2, 0) / 9 + s * s);
    for (const batchSize of [2, 9]) {
      const estimate = await estimatePriorVariance({ model, dataset, batchSize });
      estimate.forEach((value, j) => expect(value).toBeCloseTo(expected[j] as number, 5));
    }
    expect(model.getPriorVariance()).toEqual([1, 1, 1]);
    await estimatePriorVariance({ model, dataset, assign: true });
    model.getPriorVariance().forEach((value, j) => expect(value).toBeCloseTo(expected[j] as number, 5));
    model.dispose();
    const learned = createBilboVaeModel({ ...tiny, name: 'estimate-learned', posterior: 'learned' });
    await expect(estimatePriorVariance({ model: learned, dataset })).rejects.toThrow(/constant/);
    learned.dispose();
  });
});
