import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, InvalidPluginConfigError } from '@tame/core';
import { describeLikelihoodPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { bernoulliLikelihood, createBernoulliLikelihood } from './bernoulli-likelihood.js';
import { finiteDifferenceGradient } from './testing/reference-math.js';

describeLikelihoodPluginConformance(bernoulliLikelihood, {
  config: {},
  data: () => tf.round(tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 1)),
  reconstruction: () => tf.randomNormal([3, 4, 4, 1], 0, 3, 'float32', 2),
});

describeLikelihoodPluginConformance(bernoulliLikelihood, {
  config: { parameterization: 'probabilities' },
  data: () => tf.round(tf.randomUniform([3, 5], 0, 1, 'float32', 3)),
  reconstruction: () => tf.randomUniform([3, 5], 0, 1, 'float32', 4),
});

// -log p(x | logit) in float64, the textbook form: -(x log s + (1 - x) log(1 - s)), s = sigmoid(logit).
function reference(x: number, logit: number): number {
  const s = 1 / (1 + Math.exp(-logit));
  return -(x * Math.log(s) + (1 - x) * Math.log(1 - s));
}

describe('Bernoulli likelihood', () => {
  it('matches -log of the Bernoulli probability computed by hand', () => {
    const likelihood = createBernoulliLikelihood();
    const data = tf.tensor2d([[1, 0, 1], [0, 0, 1]]);
    const logits = tf.tensor2d([[2, -1, 0], [0.5, 3, -2]]);
    const nll = likelihood.negativeLogLikelihood(data, logits);
    // Row 0: p(1 | 2) = 1/(1+e^-2), p(0 | -1) = 1 - 1/(1+e) = 1/(1+e^-... ), p(1 | 0) = 1/2.
    const expected0 = Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-1)) + Math.LN2;
    const expected1 = reference(0, 0.5) + reference(0, 3) + reference(1, -2);
    expect(nll.dataSync()[0]).toBeCloseTo(expected0, 5);
    expect(nll.dataSync()[1]).toBeCloseTo(expected1, 5);
    tf.dispose([data, logits, nll]);
  });

  it('is exact and finite for saturated logits (where sigmoid then log gives Infinity)', () => {
    const likelihood = createBernoulliLikelihood();
    const data = tf.tensor2d([[1, 0, 0, 1]]);
    const logits = tf.tensor2d([[100, -100, 100, -100]]);
    const nll = likelihood.negativeLogLikelihood(data, logits);
    // Right with certainty: ~e^-100 each; wrong with certainty: 100 nats each.
    expect(nll.dataSync()[0]).toBeCloseTo(200, 4);
    const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(likelihood.negativeLogLikelihood(data, prediction)))(logits);
    expect(Array.from(gradient.dataSync())).toEqual([0, 0, 1, -1]);
    tf.dispose([data, logits, nll, gradient]);
  });

  it('has the gradient sigmoid(l) - x, checked by finite differences of the float64 reference', () => {
    const likelihood = createBernoulliLikelihood();
    const data = [1, 0, 1, 0, 0.3];
    const logits = [0.7, -2.5, -0.1, 4, 0];
    const expected = finiteDifferenceGradient((point) => point.reduce((sum, logit, index) => sum + reference(data[index] as number, logit), 0), logits);
    const dataTensor = tf.tensor2d([data]);
    const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(likelihood.negativeLogLikelihood(dataTensor, prediction)))(tf.tensor2d([logits]));
    Array.from(gradient.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 5));
    tf.dispose([dataTensor, gradient]);
  });

  it('gives the same NLL from probabilities as from the equivalent logits', () => {
    const data = tf.tensor2d([[1, 0, 1, 0]]);
    const logits = tf.tensor2d([[1.5, -0.3, -2, 0.8]]);
    const probabilities = tf.sigmoid(logits);
    const fromLogits = createBernoulliLikelihood().negativeLogLikelihood(data, logits);
    const fromProbabilities = createBernoulliLikelihood({ parameterization: 'probabilities' }).negativeLogLikelihood(data, probabilities);
    expect(fromProbabilities.dataSync()[0]).toBeCloseTo(fromLogits.dataSync()[0] as number, 4);
    tf.dispose([data, logits, probabilities, fromLogits, fromProbabilities]);
  });

  it('rejects data outside [0, 1], NaN logits, mismatched shapes and a bad config', () => {
    const mean = tf.tensor2d([[0.5, 0.5]]);
    const scaled = tf.tensor2d([[0, 255]]);
    expect(() => createBernoulliLikelihood().negativeLogLikelihood(scaled, mean)).toThrow(/bernoulli data: values span \[0, 255\]/);
    const nan = tf.tensor2d([[Number.NaN, 0]]);
    expect(() => createBernoulliLikelihood().negativeLogLikelihood(mean, nan)).toThrow(InvalidArgumentError);
    const short = tf.tensor2d([[1]]);
    expect(() => createBernoulliLikelihood().negativeLogLikelihood(mean, short)).toThrow(/bernoulli reconstruction: shape/);
    expect(() => createBernoulliLikelihood({ epsilon: 0.7 })).toThrow(InvalidPluginConfigError);
    expect(() => createBernoulliLikelihood({ parameterization: 'probability' as never })).toThrow(/parameterization/);
    tf.dispose([mean, scaled, nan, short]);
  });
});
