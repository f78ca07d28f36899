import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logNormalBinProbability, logNormalCdf } from './log-normal-cdf.js';
import { finiteDifferenceGradient, referenceLogBinProbability, referenceLogNormalCdf } from './testing/reference-math.js';

describe('logNormalCdf', () => {
  it('matches table values and the double-precision reference from -60 to 9', () => {
    // Table values: Phi(0) = 0.5, Phi(1) = 0.841344746, Phi(-3) = 0.001349898.
    const table = tf.tidy(() => Array.from(logNormalCdf(tf.tensor1d([0, 1, -3])).dataSync()));
    expect(table[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(table[1]).toBeCloseTo(Math.log(0.841344746), 6);
    expect(table[2]).toBeCloseTo(Math.log(0.001349898), 5);
    const points = [-60, -38.5, -20, -10, -6, -5.2, -4, -2.5, -1, -0.3, 0.4, 1.7, 3, 5.5, 9];
    const values = tf.tidy(() => Array.from(logNormalCdf(tf.tensor1d(points)).dataSync()));
    points.forEach((x, index) => {
      const expected = referenceLogNormalCdf(x);
      // Relative accuracy of Phi ~1e-6 (float32 and the erfc fit), i.e. absolute in log Phi, plus float32 rounding of
      // large values like -1804.
      expect(Math.abs((values[index] as number) - expected), `x = ${x}`).toBeLessThan(2e-6 + 2e-7 * Math.abs(expected));
    });
  });

  it('has the gradient phi(x) / Phi(x), finite everywhere including x = 0 and the far tail', () => {
    const points = [-50, -7, -1, 0, 0.5, 3, 12];
    const gradient = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(logNormalCdf(x)))(tf.tensor1d(points)).dataSync()));
    points.forEach((x, index) => {
      const [expected] = finiteDifferenceGradient(([value]) => referenceLogNormalCdf(value as number), [x], 1e-4);
      expect(gradient[index], `x = ${x}`).toBeCloseTo(expected as number, 3);
    });
  });
});

describe('logNormalBinProbability', () => {
  it('matches the reference in the centre, both tails (where both edges are far out) and for very narrow bins', () => {
    const bins: Array<[number, number]> = [
      [-0.5, 0.25],
      [-45.2, -44.8], // both edges deep in the lower tail
      [30.1, 30.4], // both edges deep in the upper tail: reflected
      [-8, -7.9],
      [5, 6],
      [0.1, 0.1005], // narrow: midpoint expansion
      [-3.1, -3.05], // narrow: midpoint expansion at |m| > 1
      [2, 2.15], // just wide enough for the CDF difference
      [-12, -11.9996],
      [-0.2, 0.2],
    ];
    const values = tf.tidy(() =>
      Array.from(logNormalBinProbability(tf.tensor1d(bins.map(([a]) => a)), tf.tensor1d(bins.map(([, b]) => b))).dataSync()),
    );
    bins.forEach(([a, b], index) => {
      // The reference gets the edges as float32 holds them: -11.9996 is off by 5e-7, 0.1% of that bin's width.
      const expected = referenceLogBinProbability(Math.fround(a), Math.fround(b));
      expect(Math.abs((values[index] as number) - expected), `[${a}, ${b}]`).toBeLessThan(2e-6 + 5e-7 * Math.abs(expected));
    });
  });

  it('is finite with a finite gradient for extreme and degenerate edges', () => {
    const lower = tf.tensor1d([-1e4, 1e4 - 1, -3, 0]);
    const upper = tf.tensor1d([-1e4 + 1, 1e4, -3 + 1e-9, 0]);
    const [value, gradient] = tf.tidy(() => [
      Array.from(logNormalBinProbability(lower, upper).dataSync()),
      Array.from(tf.grad((edge: tf.Tensor) => tf.sum(logNormalBinProbability(lower, edge)))(upper).dataSync()),
    ]);
    expect(value.every(Number.isFinite)).toBe(true);
    expect(gradient.every(Number.isFinite)).toBe(true);
    tf.dispose([lower, upper]);
  });
});
