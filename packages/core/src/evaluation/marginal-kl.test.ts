import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { estimateMarginalKl, gaussianLogDensityMatrix } from './marginal-kl.js';

/** Seeded standard normals (Box-Muller on mulberry32), so the test does not depend on a backend's generator. */
function normals(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (((value ^ (value >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

const standardNormalLogDensity = (z: number[]) => z.reduce((sum, value) => sum - 0.5 * (value * value + Math.log(2 * Math.PI)), 0);

function estimate(means: number[][], standardDeviation: number, seed: number) {
  const count = means.length;
  const dimension = means[0]!.length;
  const noise = normals(count * dimension, seed);
  const samples = means.map((mean, row) => mean.map((value, column) => value + standardDeviation * noise[row * dimension + column]!));
  const z = tf.tensor2d(samples);
  const meanTensor = tf.tensor2d(means);
  const logVariances = tf.fill([count, dimension], 2 * Math.log(standardDeviation)) as tf.Tensor2D;
  const result = estimateMarginalKl({
    count,
    logPosteriorRows: (start, end) => tf.tidy(() => gaussianLogDensityMatrix(tf.slice(z, start, end - start), meanTensor, logVariances)),
    logPrior: samples.map(standardNormalLogDensity),
    chunkSize: 64,
  });
  tf.dispose([z, meanTensor, logVariances]);
  return result;
}

describe('gaussianLogDensityMatrix', () => {
  it('matches the density written out term by term', () => {
    const z = tf.tensor2d([[0.3, -1.2], [2, 0.5], [-0.7, 0.1]]);
    const means = tf.tensor2d([[0, 1], [1.5, -0.5]]);
    const logVariances = tf.tensor2d([[0, Math.log(0.25)], [Math.log(4), 0.2]]);
    const matrix = gaussianLogDensityMatrix(z, means, logVariances).arraySync();
    const [zs, mus, lvs] = [z.arraySync(), means.arraySync(), logVariances.arraySync()];
    zs.forEach((zi, i) =>
      mus.forEach((mu, j) => {
        const direct = zi.reduce((sum, value, l) => sum - 0.5 * ((value - mu[l]!) ** 2 / Math.exp(lvs[j]![l]!) + lvs[j]![l]! + Math.log(2 * Math.PI)), 0);
        expect(matrix[i]![j]).toBeCloseTo(direct, 4);
      }),
    );
    tf.dispose([z, means, logVariances]);
  });
});

describe('estimateMarginalKl', () => {
  it('equals the closed-form KL when every posterior is the same Gaussian (the aggregate is that Gaussian)', () => {
    const mean = [0.8, -0.4];
    const sigma = 0.5;
    const closedForm = mean.reduce((sum, mu) => sum + 0.5 * (mu * mu + sigma * sigma - 1 - Math.log(sigma * sigma)), 0);
    const result = estimate(Array.from({ length: 600 }, () => mean), sigma, 3);
    expect(Math.abs(result.value - closedForm)).toBeLessThan(4 * result.standardError + 1e-3);
    expect(result.sampleCount).toBe(600);
  });

  it('is the mean per-example KL minus log N when the posteriors do not overlap', () => {
    const count = 40;
    const sigma = 0.01;
    const means = Array.from({ length: count }, (_, index) => [(index - count / 2) * 0.1]);
    const perExample = means.map(([mu]) => 0.5 * (mu! * mu! + sigma * sigma - 1 - Math.log(sigma * sigma)));
    const expected = perExample.reduce((sum, value) => sum + value, 0) / count - Math.log(count);
    const result = estimate(means, sigma, 5);
    expect(Math.abs(result.value - expected)).toBeLessThan(4 * result.standardError + 0.02);
  });

  it('rejects a wrong row shape and too few examples, and leaks no tensor', () => {
    const before = tf.memory().numTensors;
    expect(() => estimateMarginalKl({ count: 1, logPosteriorRows: () => tf.zeros([1, 1]) as tf.Tensor2D, logPrior: [0] })).toThrow(/at least 2 examples/);
    expect(() => estimateMarginalKl({ count: 3, logPosteriorRows: () => tf.zeros([3, 2]) as tf.Tensor2D, logPrior: [0, 0, 0] })).toThrow(/expected \[3, 3\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
