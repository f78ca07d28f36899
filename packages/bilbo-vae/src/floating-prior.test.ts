import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { accurateLog1p, floatingPrior, floatingPriorRate, gaussianKlToZeroMeanPrior } from './floating-prior.js';

// A fixed, irregular batch of posterior means [B = 5, d = 3] (one dimension nearly unused).
const means = [
  [0.3, -1.2, 1e-4],
  [1.7, 0.4, -2e-4],
  [-0.8, 2.1, 0],
  [0.05, -0.6, 3e-4],
  [-1.1, 0.9, -1e-4],
];
const secondMoment = (dimension: number) => means.reduce((sum, row) => sum + (row[dimension] as number) ** 2, 0) / means.length;

/** KL(N(mu, q^2) || N(0, p^2)) for one dimension, written as log(p / q) + (q^2 + mu^2) / (2 p^2) - 1/2. */
const klOneDimension = (mu: number, q: number, p: number) => Math.log(p / q) + (q * q + mu * mu) / (2 * p * p) - 0.5;

describe('floating prior (bilbo-baggins.md 1.1)', () => {
  it('is the batch second moment (not the variance) plus s^2', () => {
    const s = 0.5;
    const mu = tf.tensor2d(means);
    const { secondMoment: m, variance } = floatingPrior(mu, s);
    const expectedMoment = [0, 1, 2].map(secondMoment);
    Array.from(m.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(expectedMoment[index] as number, 6));
    Array.from(variance.dataSync()).forEach((value, index) => expect(value).toBeCloseTo((expectedMoment[index] as number) + s * s, 6));
    // The batch mean of dimension 0 is not zero, so the variance would differ from the second moment.
    const meanOfDimension0 = means.reduce((sum, row) => sum + (row[0] as number), 0) / means.length;
    expect(Math.abs(meanOfDimension0)).toBeGreaterThan(0.01);
    tf.dispose([mu, m, variance]);
  });

  it('rate = (1/2) sum_j log1p(m_j / s^2) equals the batch-mean KL to the floating prior, which v minimises', () => {
    const s = 0.8;
    const mu = tf.tensor2d(means);
    const rate = floatingPriorRate(mu, s).dataSync()[0] as number;
    const expected = 0.5 * [0, 1, 2].reduce((sum, dimension) => sum + Math.log1p(secondMoment(dimension) / (s * s)), 0);
    expect(rate).toBeCloseTo(expected, 5);
    // Batch-mean KL to N(0, diag(v * factor)), computed in float64 from the one-dimensional closed form.
    const meanKl = (factor: number) =>
      means.reduce(
        (sum, row) => sum + row.reduce((inner, value, dimension) => inner + klOneDimension(value, s, Math.sqrt(factor * (secondMoment(dimension) + s * s))), 0),
        0,
      ) / means.length;
    expect(meanKl(1)).toBeCloseTo(expected, 10);
    expect(meanKl(0.9)).toBeGreaterThan(meanKl(1));
    expect(meanKl(1.1)).toBeGreaterThan(meanKl(1));
    // The tensor per-example KL to the floating prior averages to the same rate.
    const { variance, secondMoment: m } = floatingPrior(mu, s);
    const perExample = gaussianKlToZeroMeanPrior(mu, s, variance);
    expect(tf.mean(perExample).dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([mu, variance, m, perExample]);
  });

  it('keeps relative accuracy for barely used dimensions (log1p, not log(1 + x))', () => {
    const s = 1;
    const mu = tf.tensor2d([[1e-4], [-2e-4], [3e-4]]);
    const m = (1e-8 + 4e-8 + 9e-8) / 3;
    const rate = floatingPriorRate(mu, s).dataSync()[0] as number;
    // log(1 + 4.7e-8) in float32 rounds 1 + x to 1 or 1 + 1.19e-7 (relative error > 50 %).
    expect(Math.abs(rate - 0.5 * Math.log1p(m)) / (0.5 * m)).toBeLessThan(1e-3);
    mu.dispose();
  });
});

describe('accurateLog1p', () => {
  it('matches Math.log1p to float32 precision from 1e-12 to 1e6, with gradient 1 / (1 + x), leaking nothing', () => {
    const inputs = [0, 1e-12, 3e-9, 4.7e-8, 1e-7, 2e-6, 1e-4, 0.01, 0.5, 1, 7.5, 1e3, 1e6];
    const x = tf.tensor1d(inputs);
    const before = tf.memory().numTensors;
    const values = accurateLog1p(x);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(accurateLog1p(input)))(x);
    Array.from(values.dataSync()).forEach((value, index) => {
      const expected = Math.log1p(Math.fround(inputs[index] as number));
      expect(Math.abs(value - expected)).toBeLessThanOrEqual(4e-7 * Math.abs(expected) + 1e-45);
    });
    Array.from(gradient.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(1 / (1 + (inputs[index] as number)), 6));
    tf.dispose([values, gradient]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('gaussianKlToZeroMeanPrior', () => {
  it('matches the closed form per example for a constant and a learned posterior std, and is >= 0', () => {
    const mu = tf.tensor2d(means);
    const priorVariance = [2.5, 0.3, 1];
    const prior = tf.tensor1d(priorVariance);
    const constant = gaussianKlToZeroMeanPrior(mu, 0.6, prior).dataSync();
    const stds = means.map((row) => row.map((value, dimension) => 0.2 + Math.abs(value) + 0.1 * dimension));
    const learned = gaussianKlToZeroMeanPrior(mu, tf.tensor2d(stds), prior);
    const learnedValues = learned.dataSync();
    means.forEach((row, example) => {
      const expectedConstant = row.reduce((sum, value, dimension) => sum + klOneDimension(value, 0.6, Math.sqrt(priorVariance[dimension] as number)), 0);
      const expectedLearned = row.reduce(
        (sum, value, dimension) => sum + klOneDimension(value, stds[example]?.[dimension] as number, Math.sqrt(priorVariance[dimension] as number)),
        0,
      );
      expect(constant[example]).toBeCloseTo(expectedConstant, 5);
      expect(learnedValues[example]).toBeCloseTo(expectedLearned, 5);
      expect(constant[example]).toBeGreaterThanOrEqual(0);
    });
    tf.dispose([mu, prior, learned]);
  });

  it('agrees with a Monte Carlo estimate of E_q[log q(z) - log p(z)]', () => {
    const mu = [0.7, -0.4];
    const q = [0.5, 1.3];
    const v = [1.8, 0.9];
    const analytic = tf.tidy(() => gaussianKlToZeroMeanPrior(tf.tensor2d([mu]), tf.tensor2d([q]), tf.tensor1d(v)).dataSync()[0] as number);
    const draws = 20000;
    const noise = tf.tidy(() => tf.randomNormal([draws, 2], 0, 1, 'float32', 5).arraySync() as number[][]);
    let sum = 0;
    for (const eps of noise) {
      for (let dimension = 0; dimension < 2; dimension += 1) {
        const z = (mu[dimension] as number) + (q[dimension] as number) * (eps[dimension] as number);
        const logQ = -0.5 * (eps[dimension] as number) ** 2 - Math.log(q[dimension] as number);
        const logP = (-0.5 * z * z) / (v[dimension] as number) - 0.5 * Math.log(v[dimension] as number);
        sum += logQ - logP;
      }
    }
    expect(Math.abs(sum / draws - analytic)).toBeLessThan(0.03);
  });
});
