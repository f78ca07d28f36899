import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { diagonalGaussianLogDensity, standardNormalLogDensity } from './gaussian-log-density.js';

const density = (x: number, mean: number, scale: number) => Math.exp(-(((x - mean) / scale) ** 2) / 2) / (scale * Math.sqrt(2 * Math.PI));

describe('Gaussian log-densities', () => {
  it('diagonal: the log of the product of the univariate densities, per row', () => {
    const values = [
      [0.3, -1.2, 2.0],
      [1.5, 0.0, -0.4],
    ];
    const means = [
      [0.0, -1.0, 1.0],
      [0.5, 0.2, 0.1],
    ];
    const scales = [
      [1.0, 0.5, 2.0],
      [0.3, 1.5, 0.8],
    ];
    const expected = values.map((row, i) => Math.log(row.reduce((product, x, j) => product * density(x, means[i]![j]!, scales[i]![j]!), 1)));
    const result = tf.tidy(() =>
      diagonalGaussianLogDensity(tf.tensor2d(values), tf.tensor2d(means), tf.log(tf.tensor2d(scales)) as tf.Tensor2D).arraySync(),
    );
    result.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
  });

  it('standard normal: the same with mean 0 and scale 1', () => {
    const values = [[0.7, -2.1], [0, 0]];
    const expected = values.map((row) => Math.log(row.reduce((product, x) => product * density(x, 0, 1), 1)));
    const result = tf.tidy(() => standardNormalLogDensity(tf.tensor2d(values)).arraySync());
    result.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
  });
});
