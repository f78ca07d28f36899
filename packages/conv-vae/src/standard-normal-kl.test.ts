import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { standardNormalKl } from './standard-normal-kl.js';

describe('standardNormalKl', () => {
  it('equals KL(N(mean, sigma^2) || N(0, 1)) computed by hand, per example', () => {
    // Row 0: the prior itself, KL 0.
    // Row 1: mean (1, -2), sigma^2 (4, 1/4): 0.5 [(1 + 4 - ln 4 - 1) + (4 + 1/4 + ln 4 - 1)] = 0.5 * 7.25 = 3.625.
    // Row 2: mean (0.5, 0), log sigma^2 (-1, 0): 0.5 (0.25 + e^-1 + 1 - 1) + 0 = 0.3089397...
    const mean = tf.tensor2d([[0, 0], [1, -2], [0.5, 0]]);
    const logVariance = tf.tensor2d([[0, 0], [Math.log(4), -Math.log(4)], [-1, 0]]);
    const before = tf.memory().numTensors;
    const kl = standardNormalKl(mean, logVariance);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(kl.shape).toEqual([3]);
    const [prior, wide, shifted] = Array.from(kl.dataSync());
    expect(prior).toBe(0);
    expect(wide).toBeCloseTo(3.625, 5);
    expect(shifted).toBeCloseTo(0.5 * (0.25 + Math.exp(-1)), 6);
    tf.dispose([mean, logVariance, kl]);
  });

  it('has the analytic gradient: d/dmean = mean, d/dlogVariance = (sigma^2 - 1) / 2', () => {
    const mean = tf.tensor2d([[0.3, -1.5]]);
    const logVariance = tf.tensor2d([[0.2, -0.7]]);
    const [meanGradient, logVarianceGradient] = tf.grads((m: tf.Tensor, v: tf.Tensor) => tf.sum(standardNormalKl(m as tf.Tensor2D, v as tf.Tensor2D)))([mean, logVariance]);
    const meanValues = Array.from(meanGradient!.dataSync());
    const varianceValues = Array.from(logVarianceGradient!.dataSync());
    [0.3, -1.5].forEach((value, index) => expect(meanValues[index]).toBeCloseTo(value, 6));
    [0.2, -0.7].forEach((value, index) => expect(varianceValues[index]).toBeCloseTo((Math.exp(value) - 1) / 2, 6));
    tf.dispose([mean, logVariance, meanGradient!, logVarianceGradient!]);
  });
});
