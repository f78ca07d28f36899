import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { diagonalGaussianFromStatistics, diagonalGaussianKl, minimumScale, sumPerExample, unitScaleBias } from './diagonal-gaussian.js';

/** KL(N(mq, sq^2) || N(mp, sp^2)) in float64, the textbook form (models.md 1). */
const klClosedForm = (mq: number, sq: number, mp: number, sp: number) =>
  Math.log(sp) - Math.log(sq) + (sq * sq + (mq - mp) ** 2) / (2 * sp * sp) - 0.5;

describe('diagonal Gaussian', () => {
  it('scale = softplus(rho) + 1e-4, and the unit-scale bias gives scale 1', () => {
    const statistics = tf.tensor2d([[0.5, -1, unitScaleBias, 3]]);
    const { mean, scale } = diagonalGaussianFromStatistics(statistics);
    expect(Array.from(mean.dataSync())).toEqual([0.5, -1]);
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    const scales = scale.dataSync();
    expect(scales[0]).toBeCloseTo(1, 6);
    expect(scales[1]).toBeCloseTo(softplus(3) + minimumScale, 5);
    tf.dispose([statistics, mean, scale]);
  });

  it('elementwise KL matches the closed form computed in JS, is >= 0, and 0 for equal distributions', () => {
    const shape = [3, 2, 2, 4];
    const q = { mean: tf.randomNormal(shape, 0, 1.5, 'float32', 1), scale: tf.randomUniform(shape, 0.05, 3, 'float32', 2) };
    const p = { mean: tf.randomNormal(shape, 0, 1.5, 'float32', 3), scale: tf.randomUniform(shape, 0.05, 3, 'float32', 4) };
    const kl = diagonalGaussianKl(q, p);
    const [mq, sq, mp, sp, values] = [q.mean, q.scale, p.mean, p.scale, kl].map((tensor) => tensor.dataSync());
    values!.forEach((value, index) => {
      const expected = klClosedForm(mq![index]!, sq![index]!, mp![index]!, sp![index]!);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(Math.abs(value - expected)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected)));
    });
    const perExample = sumPerExample(kl);
    const summed = Array.from({ length: 3 }, (_, b) => Array.from(values!.slice(b * 16, (b + 1) * 16)).reduce((sum, value) => sum + value, 0));
    Array.from(perExample.dataSync()).forEach((value, b) => expect(value).toBeCloseTo(summed[b]!, 4));
    const self = diagonalGaussianKl(q, q);
    expect(Math.max(...Array.from(self.dataSync()).map(Math.abs))).toBeLessThan(1e-6);
    tf.dispose([q.mean, q.scale, p.mean, p.scale, kl, perExample, self]);
  });

  it('matches KL computed a second way: numerical integration of q log(q / p) in 1-D', () => {
    const [mq, sq, mp, sp] = [0.7, 0.4, -0.3, 1.3];
    const density = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    let integral = 0;
    const step = 1e-3;
    for (let x = mq - 12 * sq; x <= mq + 12 * sq; x += step) {
      const qx = density(x, mq, sq);
      integral += qx * Math.log(qx / density(x, mp, sp)) * step;
    }
    const kl = diagonalGaussianKl({ mean: tf.scalar(mq), scale: tf.scalar(sq) }, { mean: tf.scalar(mp), scale: tf.scalar(sp) });
    expect(kl.dataSync()[0]).toBeCloseTo(integral, 4);
    kl.dispose();
  });
});
