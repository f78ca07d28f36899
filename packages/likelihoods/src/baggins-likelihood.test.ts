import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, InvalidPluginConfigError } from '@tame/core';
import { describeLikelihoodPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { bagginsLikelihoodPlugin, computeBagginsVariance, createBagginsLikelihood } from './baggins-likelihood.js';
import { finiteDifferenceGradient, seededUniform } from './testing/reference-math.js';

describeLikelihoodPluginConformance(bagginsLikelihoodPlugin, {
  config: {},
  data: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 1),
  reconstruction: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 2),
});

describeLikelihoodPluginConformance(bagginsLikelihoodPlugin, {
  config: { dataVariance: 'pooled', maxInformationPerDimension: 1 },
  data: () => tf.randomUniform([1, 6], 0, 1, 'float32', 3),
  reconstruction: () => tf.randomUniform([1, 6], 0, 1, 'float32', 4),
});

type Mode = 'across-batch' | 'pooled';

/** BAGGINS in float64, written out from the definition: per-example NLL and the variance parts. */
function reference(data: number[][], reconstruction: number[][], maxInformation: number, mode: Mode = 'across-batch') {
  const batch = data.length;
  const dimensions = (data[0] as number[]).length;
  const squaredErrors = data.map((row, i) => row.reduce((sum, x, d) => sum + (x - (reconstruction[i] as number[])[d]!) ** 2, 0));
  const meanSquaredError = squaredErrors.reduce((a, b) => a + b, 0) / (batch * dimensions);
  let dataVariance: number;
  if (mode === 'across-batch') {
    let total = 0;
    for (let d = 0; d < dimensions; d += 1) {
      const column = data.map((row) => row[d] as number);
      const mean = column.reduce((a, b) => a + b, 0) / batch;
      total += column.reduce((sum, x) => sum + (x - mean) ** 2, 0) / batch;
    }
    dataVariance = total / dimensions;
  } else {
    const all = data.flat();
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    dataVariance = all.reduce((sum, x) => sum + (x - mean) ** 2, 0) / all.length;
  }
  const floor = dataVariance / (Math.exp(2 * maxInformation) - 1);
  const variance = Math.max(meanSquaredError, floor);
  const nll = squaredErrors.map((error) => error / (2 * variance) + (dimensions / 2) * Math.log(2 * Math.PI * variance));
  return { nll, variance, meanSquaredError, floor, dataVariance };
}

function randomMatrix(rows: number, columns: number, seed: number, scale = 1): number[][] {
  const random = seededUniform(seed);
  return Array.from({ length: rows }, () => Array.from({ length: columns }, () => Math.fround(random() * scale)));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('BAGGINS likelihood', () => {
  it('uses the closed-form variance sigma^2 = MSE when above the floor: mean NLL = (D/2)(1 + log(2 pi MSE))', () => {
    const data = randomMatrix(4, 6, 1);
    const reconstruction = randomMatrix(4, 6, 2);
    const expected = reference(data, reconstruction, Math.log(256));
    expect(expected.variance).toBe(expected.meanSquaredError); // the floor is inactive here
    const nll = tf.tidy(() => Array.from(createBagginsLikelihood().negativeLogLikelihood(tf.tensor2d(data), tf.tensor2d(reconstruction)).dataSync()));
    nll.forEach((value, index) => expect(value).toBeCloseTo(expected.nll[index] as number, 4));
    expect(mean(nll)).toBeCloseTo(3 * (1 + Math.log(2 * Math.PI * expected.meanSquaredError)), 4);
  });

  it('floors the variance at v_data / (exp(2 I_max) - 1), where the information per dimension is exactly I_max', () => {
    for (const mode of ['across-batch', 'pooled'] as const) {
      const data = randomMatrix(5, 4, 3);
      const reconstruction = data.map((row) => row.map((x, d) => Math.fround(x + (d % 2 === 0 ? 1e-4 : -1e-4))));
      const expected = reference(data, reconstruction, 2, mode);
      const parts = computeBagginsVariance(tf.tensor2d(data), tf.tensor2d(reconstruction), { maxInformationPerDimension: 2, dataVariance: mode });
      const [variance, floor, dataVariance, meanSquaredError] = [parts.variance, parts.floor, parts.dataVariance, parts.meanSquaredError].map(
        (tensor) => tensor.dataSync()[0] as number,
      ) as [number, number, number, number];
      expect(dataVariance).toBeCloseTo(expected.dataVariance, 6);
      expect(floor / expected.floor).toBeCloseTo(1, 5);
      expect(meanSquaredError).toBeCloseTo(1e-8, 10);
      expect(variance).toBe(floor);
      expect(0.5 * Math.log(1 + dataVariance / variance)).toBeCloseTo(2, 5); // the information bound, in nats
      tf.dispose(Object.values(parts));
    }
  });

  it('is the minimiser of the batch mean NLL over sigma^2 >= floor (brute-force search, both regimes)', () => {
    const data = randomMatrix(6, 5, 4);
    for (const [reconstruction, maxInformation] of [
      [randomMatrix(6, 5, 5), 3], // MSE above the floor
      [data.map((row) => row.map((x) => Math.fround(x + 0.01))), 1], // floor above the MSE
    ] as Array<[number[][], number]>) {
      const expected = reference(data, reconstruction, maxInformation);
      const totalSquaredError = expected.meanSquaredError * 30;
      const meanNll = (variance: number) => totalSquaredError / 6 / (2 * variance) + 2.5 * Math.log(2 * Math.PI * variance);
      let best = expected.floor;
      for (let step = 0; step <= 20000; step += 1) {
        const candidate = expected.floor * Math.exp(step * 1e-3); // a log grid from the floor up
        if (meanNll(candidate) < meanNll(best)) best = candidate;
      }
      const parts = computeBagginsVariance(tf.tensor2d(data), tf.tensor2d(reconstruction), { maxInformationPerDimension: maxInformation });
      expect((parts.variance.dataSync()[0] as number) / best).toBeCloseTo(1, 2);
      tf.dispose(Object.values(parts));
    }
  });

  it('is scale-invariant: data and decoder output times a shift each NLL by D log a and leave gradients unchanged', () => {
    // A tiny decoder x_hat = a * sigmoid(z W + b) with fixed codes z; data x = a * x0.
    const [batch, latent, dimensions] = [6, 3, 8];
    const codes = tf.randomNormal([batch, latent], 0, 1, 'float32', 11);
    const baseData = tf.randomUniform([batch, dimensions], 0, 1, 'float32', 12);
    const weights = tf.variable(tf.randomNormal([latent, dimensions], 0, 0.5, 'float32', 13), true, 'baggins-test/kernel');
    const bias = tf.variable(tf.zeros([dimensions]), true, 'baggins-test/bias');
    for (const options of [{}, { maxInformationPerDimension: 0.2 }, { dataVariance: 'pooled' as const }]) {
      const likelihood = createBagginsLikelihood(options);
      const run = (scale: number) => {
        const { value, grads } = tf.variableGrads(() => {
          const reconstruction = tf.mul(scale, tf.sigmoid(tf.add(tf.matMul(codes, weights), bias)));
          return tf.mean(likelihood.negativeLogLikelihood(tf.mul(scale, baseData), reconstruction)) as tf.Scalar;
        }, [weights, bias]);
        const result = {
          loss: value.dataSync()[0] as number,
          gradient: [...Array.from((grads[weights.name] as tf.Tensor).dataSync()), ...Array.from((grads[bias.name] as tf.Tensor).dataSync())],
        };
        tf.dispose([value, ...Object.values(grads)]);
        return result;
      };
      const unit = run(1);
      for (const scale of [7.3, 0.02]) {
        const scaled = run(scale);
        expect(scaled.loss - unit.loss).toBeCloseTo(dimensions * Math.log(scale), 3);
        const largest = Math.max(...unit.gradient.map(Math.abs));
        expect(largest).toBeGreaterThan(1e-3); // the gradients are not trivially zero
        scaled.gradient.forEach((component, index) => expect(Math.abs(component - (unit.gradient[index] as number))).toBeLessThan(1e-4 * largest));
      }
    }
    tf.dispose([codes, baseData, weights, bias]);
  });

  it('stays finite and bounded below by (D/2) log(2 pi floor) as the reconstruction error goes to 0', () => {
    const likelihood = createBagginsLikelihood();
    const data = tf.randomUniform([8, 16], 0, 1, 'float32', 21);
    const noise = tf.randomNormal([8, 16], 0, 1, 'float32', 22);
    const parts = computeBagginsVariance(data, data);
    const floor = parts.floor.dataSync()[0] as number;
    const bound = 8 * Math.log(2 * Math.PI * floor);
    let previous = Number.POSITIVE_INFINITY;
    for (const error of [1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 0]) {
      const loss = tf.tidy(() => tf.mean(likelihood.negativeLogLikelihood(data, tf.add(data, tf.mul(error, noise)))).dataSync()[0] as number);
      expect(Number.isFinite(loss)).toBe(true);
      expect(loss).toBeGreaterThanOrEqual(bound - 1e-3 * Math.abs(bound));
      expect(loss).toBeLessThanOrEqual(previous + 1e-3);
      previous = loss;
      // The unbounded closed form (D/2)(1 + log(2 pi MSE)) falls without limit; BAGGINS stops at the bound.
      if (error === 1e-6) expect(8 * (1 + Math.log(2 * Math.PI * error * error))).toBeLessThan(bound - 50);
    }
    expect(previous).toBeCloseTo(bound, 3); // error 0: exactly the bound
    const gradient = tf.grad((prediction: tf.Tensor) => tf.mean(likelihood.negativeLogLikelihood(data, prediction)))(data);
    expect(Array.from(gradient.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([data, noise, gradient, ...Object.values(parts)]);
  });

  it('has the gradient of the float64 reference (finite differences), with and without the floor active', () => {
    const data = randomMatrix(3, 4, 31);
    for (const [reconstruction, maxInformation] of [
      [randomMatrix(3, 4, 32), Math.log(256)],
      [data.map((row) => row.map((x, d) => Math.fround(x + 0.003 * (d - 1.5)))), 1.5],
    ] as Array<[number[][], number]>) {
      const flat = reconstruction.flat();
      const expected = finiteDifferenceGradient((point) => {
        const rows = [point.slice(0, 4), point.slice(4, 8), point.slice(8, 12)];
        return mean(reference(data, rows, maxInformation).nll);
      }, flat, 1e-6);
      const likelihood = createBagginsLikelihood({ maxInformationPerDimension: maxInformation });
      const dataTensor = tf.tensor2d(data);
      const gradient = tf.grad((prediction: tf.Tensor) => tf.mean(likelihood.negativeLogLikelihood(dataTensor, prediction)))(tf.tensor2d(reconstruction));
      const largest = Math.max(...expected.map(Math.abs));
      Array.from(gradient.dataSync()).forEach((value, index) =>
        expect(Math.abs(value - (expected[index] as number)), `component ${index}`).toBeLessThan(2e-3 * largest),
      );
      tf.dispose([dataTensor, gradient]);
    }
  });

  it('rejects a single example with across-batch variance, mismatched shapes, NaN and invalid configs', () => {
    const one = tf.tensor2d([[0.1, 0.5, 0.9]]);
    let error: unknown;
    try {
      createBagginsLikelihood().negativeLogLikelihood(one, one);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/@tame\/likelihoods\/baggins dataVariance: 'across-batch' needs a batch of at least 2/);
    const pooled = createBagginsLikelihood({ dataVariance: 'pooled' }).negativeLogLikelihood(one, one);
    expect(Number.isFinite(pooled.dataSync()[0])).toBe(true);
    const two = tf.tensor2d([[0.1, 0.5], [0.2, 0.3]]);
    const twoByThree = tf.tensor2d([[0.1, 0.5, 0], [0.2, 0.3, 0]]);
    expect(() => createBagginsLikelihood().negativeLogLikelihood(two, twoByThree)).toThrow(/baggins reconstruction: shape/);
    const nan = tf.tensor2d([[0.1, Number.NaN], [0.2, 0.3]]);
    expect(() => createBagginsLikelihood().negativeLogLikelihood(nan, two)).toThrow(/baggins data: contains NaN/);
    expect(() => createBagginsLikelihood({ maxInformationPerDimension: 0 })).toThrow(InvalidPluginConfigError);
    expect(() => createBagginsLikelihood({ maxInformationPerDimension: -1 })).toThrow(/maxInformationPerDimension/);
    expect(() => createBagginsLikelihood({ dataVariance: 'global' as never })).toThrow(/dataVariance/);
    tf.dispose([one, pooled, two, twoByThree, nan]);
  });

  it('leaks no tensor across repeated loss and gradient calls', () => {
    const likelihood = createBagginsLikelihood({ checkInputs: 'every-call' });
    const data = tf.randomUniform([4, 5], 0, 1, 'float32', 41);
    const reconstruction = tf.randomUniform([4, 5], 0, 1, 'float32', 42);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) {
      const gradient = tf.grad((prediction: tf.Tensor) => tf.mean(likelihood.negativeLogLikelihood(data, prediction)))(reconstruction);
      gradient.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([data, reconstruction]);
  });
});
