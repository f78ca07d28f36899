import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, InvalidPluginConfigError, parsePluginConfig } from '@tame/core';
import { describeLikelihoodPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createGaussianLikelihood, gaussianLikelihood } from './gaussian-likelihood.js';

describeLikelihoodPluginConformance(gaussianLikelihood, {
  config: { sigma: 0.2 },
  data: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 1),
  reconstruction: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 2),
});

describe('Gaussian likelihood', () => {
  it('matches the normal log-density summed over dimensions, computed by hand', () => {
    const likelihood = createGaussianLikelihood({ sigma: 0.5 });
    const data = tf.tensor2d([[0.2, 0.9, 0.4]]);
    const mean = tf.tensor2d([[0.0, 1.0, 0.4]]);
    const density = (x: number, mu: number) => Math.exp(-((x - mu) ** 2) / (2 * 0.25)) / Math.sqrt(2 * Math.PI * 0.25);
    const expected = -Math.log(density(0.2, 0) * density(0.9, 1) * density(0.4, 0.4));
    const nll = likelihood.negativeLogLikelihood(data, mean);
    expect(nll.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([data, mean, nll]);
  });

  it('has the gradient (mu - x) / sigma^2, checked numerically', () => {
    const likelihood = createGaussianLikelihood({ sigma: 0.3 });
    const data = tf.tensor2d([[0.2, 0.7]]);
    const mean = tf.tensor2d([[0.5, 0.1]]);
    const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(likelihood.negativeLogLikelihood(data, prediction)))(mean);
    const f = (values: number[]) => tf.tidy(() => likelihood.negativeLogLikelihood(data, tf.tensor2d([values])).dataSync()[0]!);
    const h = 1e-2;
    const numerical = [0, 1].map((index) => {
      const plus = [0.5, 0.1];
      const minus = [0.5, 0.1];
      plus[index]! += h;
      minus[index]! -= h;
      return (f(plus) - f(minus)) / (2 * h);
    });
    Array.from(gradient.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(numerical[index]!, 2));
    tf.dispose([data, mean, gradient]);
  });
});

describe('Gaussian likelihood input checks', () => {
  it('rejects sigma <= 0 in the config with an error naming the plugin and sigma', () => {
    for (const sigma of [0, -1, Number.NaN]) {
      expect(() => gaussianLikelihood.create(parsePluginConfig(gaussianLikelihood, { sigma }))).toThrow(InvalidPluginConfigError);
      expect(() => createGaussianLikelihood({ sigma })).toThrow(/@tame\/likelihoods\/gaussian.*sigma/);
    }
  });

  it('rejects mismatched shapes and NaN inputs, and by default checks until the first call passes', () => {
    const likelihood = createGaussianLikelihood({ sigma: 0.1 });
    const data = tf.tensor2d([[0.1, 0.2]]);
    const wrong = tf.tensor2d([[0.1, 0.2, 0.3]]);
    const withNaN = tf.tensor2d([[0.1, Number.NaN]]);
    expect(() => likelihood.negativeLogLikelihood(data, wrong)).toThrow(/gaussian reconstruction: shape \[1,3\] does not match the data shape \[1,2\]/);
    expect(() => likelihood.negativeLogLikelihood(withNaN, data)).toThrow(InvalidArgumentError);
    expect(() => likelihood.negativeLogLikelihood(withNaN, data)).toThrow(/gaussian data: contains NaN/); // failed: checked again
    likelihood.negativeLogLikelihood(data, data).dispose(); // the first call that passes ends the checks
    const unchecked = likelihood.negativeLogLikelihood(withNaN, data);
    expect(Number.isNaN(unchecked.dataSync()[0])).toBe(true);
    unchecked.dispose();
    const everyCall = createGaussianLikelihood({ checkInputs: 'every-call' });
    everyCall.negativeLogLikelihood(data, data).dispose();
    expect(() => everyCall.negativeLogLikelihood(data, withNaN)).toThrow(/reconstruction: contains NaN/);
    const never = createGaussianLikelihood({ checkInputs: 'never' });
    const nll = never.negativeLogLikelihood(withNaN, data);
    expect(Number.isNaN(nll.dataSync()[0])).toBe(true);
    tf.dispose([data, wrong, withNaN, nll]);
  });

  it('leaks no tensor when checking every call', () => {
    const likelihood = createGaussianLikelihood({ checkInputs: 'every-call' });
    const data = tf.tensor2d([[0.1, 0.2]]);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) {
      const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(likelihood.negativeLogLikelihood(data, prediction)))(data);
      gradient.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    data.dispose();
  });
});
