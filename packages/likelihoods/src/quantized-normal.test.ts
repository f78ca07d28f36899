import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import { describe, expect, it } from 'vitest';
import {
  createQuantizedNormalAccumulator,
  quantizedNormalNegativeLogLikelihood,
  quantizedNormalReport,
} from './quantized-normal.js';
import { finiteDifferenceGradient, referenceQuantizedNormalNll, seededUniform } from './testing/reference-math.js';

const nllOf = (data: number[], mean: number[], sigma: number, options = {}) =>
  tf.tidy(() => quantizedNormalNegativeLogLikelihood(tf.tensor2d([data]), tf.tensor2d([mean]), sigma, options).dataSync()[0] as number);

describe('quantizedNormalNegativeLogLikelihood', () => {
  it('matches hand-computed values', () => {
    // 2 bins on [0, 1], mean on the boundary: each value has probability Phi(0) = 1/2, so NLL = D ln 2.
    expect(nllOf([0.2, 0.9, 0.5], [0.5, 0.5, 0.5], 0.3, { bins: 2 })).toBeCloseTo(3 * Math.LN2, 6);
    // 4 bins on [0, 1], mean 0.5, sigma 0.25: bin [0.25, 0.5) has Phi(0) - Phi(-1) = 0.341344746 (normal table);
    // bin 0 has Phi(-1) = 0.158655254.
    expect(nllOf([0.3], [0.5], 0.25, { bins: 4 })).toBeCloseTo(-Math.log(0.341344746), 5);
    expect(nllOf([0.1], [0.5], 0.25, { bins: 4 })).toBeCloseTo(-Math.log(0.158655254), 5);
    // Range [-1, 1] with 2 bins: x = 0.7 lies in the upper bin, P = 1 - Phi((0 - 0.0)/0.5) = 1/2.
    expect(nllOf([0.7], [0], 0.5, { bins: 2, low: -1, high: 1 })).toBeCloseTo(Math.LN2, 6);
  });

  it('is a normalised distribution: the probabilities of all 256 bins sum to 1, in and far outside the range', () => {
    const centres = Array.from({ length: 256 }, (_, bin) => (bin + 0.5) / 256);
    for (const [mean, sigma] of [
      [0.5, 0.1],
      [0.01, 0.002],
      [0.7, 3],
      [1.8, 0.05],
      [-0.4, 0.2],
    ] as Array<[number, number]>) {
      const perBin = tf.tidy(() =>
        Array.from(
          quantizedNormalNegativeLogLikelihood(tf.tensor2d(centres, [256, 1]), tf.fill([256, 1], mean), sigma).dataSync(),
        ),
      );
      const total = perBin.reduce((sum, nll) => sum + Math.exp(-nll), 0);
      expect(total, `mean ${mean}, sigma ${sigma}`).toBeCloseTo(1, 5);
      expect(perBin.every((value) => Number.isFinite(value) && value >= -1e-6)).toBe(true);
    }
  });

  it('matches the double-precision reference across bins, including both tails and the edge bins', () => {
    const random = seededUniform(3);
    const data: number[] = [0, 1, 0.5, 1 / 255, 254 / 255, 0.999, 0.0001];
    const means: number[] = [0.9, 0.1, 0.5, 0.6, 0.2, 1.3, -0.2];
    for (let index = 0; index < 25; index += 1) {
      data.push(Math.round(random() * 255) / 255);
      means.push(random() * 1.2 - 0.1);
    }
    for (const sigma of [0.003, 0.02, 0.1, 1, 20]) {
      const values = tf.tidy(() =>
        Array.from(quantizedNormalNegativeLogLikelihood(tf.tensor2d(data, [data.length, 1]), tf.tensor2d(means, [data.length, 1]), sigma).dataSync()),
      );
      data.forEach((x, index) => {
        const expected = referenceQuantizedNormalNll(Math.fround(x), Math.fround(means[index] as number), Math.fround(sigma));
        expect(Math.abs((values[index] as number) - expected), `x ${x}, mean ${means[index]}, sigma ${sigma}`).toBeLessThan(1e-5 + 2e-6 * expected);
      });
    }
  });

  it('stays finite with finite gradients deep in the tails (mean 40 sigma away on either side)', () => {
    const data = tf.tensor2d([[0.02, 0.5, 0.98, 0, 1]]);
    const mean = tf.tensor2d([[0.9, 0.1, 0.1, 0.95, 0.02]]);
    const sigma = 0.02;
    const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(quantizedNormalNegativeLogLikelihood(data, prediction, sigma)))(mean);
    const nll = quantizedNormalNegativeLogLikelihood(data, mean, sigma);
    expect(Number.isFinite(nll.dataSync()[0])).toBe(true);
    expect(Array.from(gradient.dataSync()).every(Number.isFinite)).toBe(true);
    // Far in the lower tail, d/dmu of -log P ~ -(x - mu) / sigma^2 (the Gaussian limit): sign and magnitude.
    const expectedSum = [0.02, 0.5, 0.98, 0, 1].reduce(
      (sum, x, index) => sum + referenceQuantizedNormalNll(Math.fround(x), Math.fround([0.9, 0.1, 0.1, 0.95, 0.02][index] as number), sigma),
      0,
    );
    expect(nll.dataSync()[0]).toBeCloseTo(expectedSum, 0);
    tf.dispose([data, mean, gradient, nll]);
  });

  it('has the gradient of the reference w.r.t. the mean and a tensor sigma (finite differences in float64)', () => {
    const data = [0.2, 0.75, 0, 1, 0.5];
    const means = [0.23, 0.6, 0.05, 0.9, 0.1];
    const sigma = 0.08;
    const reference = (point: number[]) =>
      data.reduce((sum, x, index) => sum + referenceQuantizedNormalNll(Math.fround(x), point[index] as number, point[data.length] as number), 0);
    const expected = finiteDifferenceGradient(reference, [...means, sigma], 1e-6);
    const dataTensor = tf.tensor2d([data]);
    const [meanGradient, sigmaGradient] = tf.grads((mean: tf.Tensor, scale: tf.Tensor) =>
      tf.sum(quantizedNormalNegativeLogLikelihood(dataTensor, mean, scale)),
    )([tf.tensor2d([means]), tf.scalar(sigma)]) as [tf.Tensor, tf.Tensor];
    const actual = [...Array.from(meanGradient.dataSync()), sigmaGradient.dataSync()[0] as number];
    actual.forEach((value, index) => {
      const target = expected[index] as number;
      expect(Math.abs(value - target), `component ${index}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(target)));
    });
    tf.dispose([dataTensor, meanGradient, sigmaGradient]);
  });

  it("supports 'centred' bins on the levels k/(bins-1): hand value, normalisation and the reference", () => {
    // 3 centred bins on [0, 1]: levels 0, 0.5, 1, width 0.5, middle bin [0.25, 0.75). Mean 0.5, sigma 0.25:
    // P(middle) = Phi(1) - Phi(-1) = 0.682689492 (normal table).
    expect(nllOf([0.5], [0.5], 0.25, { bins: 3, binning: 'centred' })).toBeCloseTo(-Math.log(0.682689492), 5);
    const levels = Array.from({ length: 256 }, (_, level) => level / 255);
    const perLevel = tf.tidy(() =>
      Array.from(
        quantizedNormalNegativeLogLikelihood(tf.tensor2d(levels, [256, 1]), tf.fill([256, 1], 0.3), 0.04, { binning: 'centred' }).dataSync(),
      ),
    );
    expect(perLevel.reduce((sum, nll) => sum + Math.exp(-nll), 0)).toBeCloseTo(1, 5);
    levels.forEach((x, index) => {
      const expected = referenceQuantizedNormalNll(Math.fround(x), Math.fround(0.3), Math.fround(0.04), 256, 0, 1, 'centred');
      expect(Math.abs((perLevel[index] as number) - expected)).toBeLessThan(1e-5 + 2e-6 * expected);
    });
  });

  it('leaks no tensor', () => {
    const data = tf.randomUniform([4, 3, 3, 1], 0, 1, 'float32', 1);
    const mean = tf.randomUniform([4, 3, 3, 1], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) {
      const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(quantizedNormalNegativeLogLikelihood(data, prediction, 0.1)))(mean);
      gradient.dispose();
      quantizedNormalNegativeLogLikelihood(data, mean, 0.1).dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([data, mean]);
  });

  it('rejects invalid bins, ranges, sigma and mismatched shapes with errors naming the parameter', () => {
    const data = tf.zeros([2, 3]);
    const mean = tf.zeros([2, 3]);
    const expectError = (run: () => unknown, parameter: RegExp) => {
      let error: unknown;
      try {
        run();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(parameter);
      expect((error as Error).message).toMatch(/quantized normal/);
    };
    expectError(() => quantizedNormalNegativeLogLikelihood(data, mean, 0.1, { bins: 1 }), /bins/);
    expectError(() => quantizedNormalNegativeLogLikelihood(data, mean, 0.1, { bins: 10.5 }), /bins/);
    expectError(() => quantizedNormalNegativeLogLikelihood(data, mean, 0.1, { low: 1, high: 1 }), /low\/high/);
    expectError(() => quantizedNormalNegativeLogLikelihood(data, mean, 0.1, { high: Number.NaN }), /low\/high/);
    expectError(() => quantizedNormalNegativeLogLikelihood(data, mean, 0.1, { binning: 'center' as never }), /binning/);
    expectError(() => quantizedNormalNegativeLogLikelihood(data, mean, 0), /sigma/);
    expectError(() => quantizedNormalNegativeLogLikelihood(data, mean, -0.5), /sigma/);
    const wrong = tf.zeros([2, 4]);
    expectError(() => quantizedNormalNegativeLogLikelihood(data, wrong, 0.1), /reconstruction.*shape/);
    tf.dispose([data, mean, wrong]);
  });
});

describe('quantized-normal report', () => {
  it('gives nats and bits per dimension and accumulates batches like one batch', () => {
    const data = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 5);
    const mean = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 6);
    const whole = quantizedNormalReport(data, mean, 0.2);
    const perExample = quantizedNormalNegativeLogLikelihood(data, mean, 0.2);
    const expectedPerDimension = Array.from(perExample.dataSync()).reduce((sum, value) => sum + value, 0) / (6 * 16);
    expect(whole.natsPerDimension).toBeCloseTo(expectedPerDimension, 5);
    expect(whole.bitsPerDimension).toBeCloseTo(expectedPerDimension / Math.LN2, 5);
    expect(whole.natsPerExample).toBeCloseTo(expectedPerDimension * 16, 4);
    expect([whole.examples, whole.dimensions]).toEqual([6, 16]);
    const accumulator = createQuantizedNormalAccumulator(0.2);
    const [firstData, secondData] = tf.split(data, [2, 4]);
    const [firstMean, secondMean] = tf.split(mean, [2, 4]);
    accumulator.add(firstData as tf.Tensor, firstMean as tf.Tensor);
    accumulator.add(secondData as tf.Tensor, secondMean as tf.Tensor);
    expect(accumulator.report().natsPerDimension).toBeCloseTo(whole.natsPerDimension, 5);
    tf.dispose([data, mean, perExample, firstData, secondData, firstMean, secondMean]);
  });

  it('rejects NaN inputs instead of reporting NaN', () => {
    const data = tf.tensor2d([[0.5, Number.NaN]]);
    const mean = tf.tensor2d([[0.5, 0.5]]);
    expect(() => quantizedNormalReport(data, mean, 0.1)).toThrow(/NaN/);
    tf.dispose([data, mean]);
  });
});
