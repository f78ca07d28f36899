import * as tf from '@tensorflow/tfjs-core';
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
