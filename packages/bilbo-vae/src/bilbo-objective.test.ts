import * as tf from '@tensorflow/tfjs-core';
import {
  type ConstraintV1,
  createArrayDataset,
  createMemoryCheckpointStore,
  InvalidArgumentError,
  type JSONObject,
  NonFiniteValueError,
  train,
} from '@tame/core';
import { createGaussianLikelihood } from '@tame/likelihoods';
import { describe, expect, it } from 'vitest';
import { createBilboObjective, floatingPriorMetricName } from './bilbo-objective.js';
import type { BilboVaeConfigInput } from './bilbo-vae-config.js';
import { createBilboVaeModel, type FloatingPriorModel } from './bilbo-vae-model.js';

const tiny: BilboVaeConfigInput = { dataShape: [8, 8, 1], encoderFilters: [4, 8], decoderFilters: [8, 4], latentSize: 3, kernelSize: 3 };

/** A stand-in model that records what the objective writes into its prior. */
function stubModel(posteriorScale: number, latentSize: number, posterior: 'constant' | 'learned' = 'constant') {
  let prior = Array.from({ length: latentSize }, () => 1);
  const model: FloatingPriorModel & { writes: number } = {
    posterior,
    posteriorScale,
    latentSize,
    writes: 0,
    getPriorVariance: () => [...prior],
    setPriorVariance(values) {
      prior = [...values];
      model.writes += 1;
    },
  };
  return model;
}

// Tiny batch: B = 3 examples of 2x2x1 data, d = 2 latent dimensions.
const data = [
  [0.1, 0.8, 0.3, 0.5],
  [0.9, 0.2, 0.4, 0.0],
  [0.6, 0.6, 0.1, 0.7],
];
const reconstruction = [
  [0.2, 0.7, 0.35, 0.4],
  [0.8, 0.1, 0.5, 0.2],
  [0.5, 0.65, 0.2, 0.6],
];
const means = [
  [0.4, -1.1],
  [-0.9, 0.3],
  [1.5, 0.05],
];
const sigma = 0.4;
const s = 0.7;

/** -BILBO in float64: (1/2) sum_j log1p(mean_i mu_ij^2 / s^2) + mean_i sum_k [(x - r)^2 / (2 sigma^2) + log sigma + log(2 pi) / 2]. */
function bilboLoss(mu: number[][], r: number[][]): number {
  const d = mu[0]?.length as number;
  let rate = 0;
  for (let j = 0; j < d; j += 1) rate += 0.5 * Math.log1p(mu.reduce((sum, row) => sum + (row[j] as number) ** 2, 0) / mu.length / (s * s));
  const nll =
    data.reduce(
      (sum, row, i) =>
        sum + row.reduce((inner, x, k) => inner + (x - (r[i]?.[k] as number)) ** 2 / (2 * sigma * sigma) + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI), 0),
      0,
    ) / data.length;
  return rate + nll;
}

function computeOn(objective: ReturnType<typeof createBilboObjective>, mu: tf.Tensor2D, r: tf.Tensor) {
  const batch = { inputs: tf.tensor4d(data.flat(), [3, 2, 2, 1]) };
  const output = { reconstruction: tf.reshape(r, [3, 2, 2, 1]), kl: tf.zeros([3]) as tf.Tensor1D, extras: { posteriorMean: mu } };
  const result = objective.computeLoss({ batch, output, step: 0 });
  tf.dispose([batch.inputs, output.reconstruction, output.kl]);
  return result;
}

describe('BILBO objective: the loss', () => {
  it('equals (1/2) sum_j log1p(m_j / s^2) + mean NLL computed by hand in float64, and reports v = m + s^2', () => {
    const objective = createBilboObjective({ model: stubModel(s, 2), likelihood: createGaussianLikelihood({ sigma }) });
    const mu = tf.tensor2d(means);
    const r = tf.tensor2d(reconstruction);
    const { loss, metrics } = computeOn(objective, mu, r);
    expect(loss.dataSync()[0]).toBeCloseTo(bilboLoss(means, reconstruction), 4);
    for (let j = 0; j < 2; j += 1) {
      const m = means.reduce((sum, row) => sum + (row[j] as number) ** 2, 0) / 3;
      expect(metrics[floatingPriorMetricName(j)]?.dataSync()[0]).toBeCloseTo(m + s * s, 6);
    }
    const rate = metrics['bilbo.rate']?.dataSync()[0] as number;
    const nll = metrics.nll?.dataSync()[0] as number;
    expect(rate + nll).toBeCloseTo(loss.dataSync()[0] as number, 4);
    tf.dispose([loss, ...Object.values(metrics), mu, r]);
  });

  it('has the gradient of the float64 formula (central finite differences) w.r.t. the means and the reconstruction', () => {
    const objective = createBilboObjective({ model: stubModel(s, 2), likelihood: createGaussianLikelihood({ sigma }) });
    const mu = tf.tensor2d(means);
    const r = tf.tensor2d(reconstruction);
    const [gradientMu, gradientR] = tf.grads((meanInput: tf.Tensor, reconstructionInput: tf.Tensor) => {
      const { loss, metrics } = computeOn(objective, meanInput as tf.Tensor2D, reconstructionInput);
      tf.dispose(Object.values(metrics));
      return loss;
    })([mu, r]) as [tf.Tensor, tf.Tensor];
    const h = 1e-6;
    const numerical = (values: number[][], index: [number, number], which: 'mu' | 'r') => {
      const plus = values.map((row) => [...row]);
      const minus = values.map((row) => [...row]);
      (plus[index[0]] as number[])[index[1]] = (values[index[0]]?.[index[1]] as number) + h;
      (minus[index[0]] as number[])[index[1]] = (values[index[0]]?.[index[1]] as number) - h;
      const f = (v: number[][]) => (which === 'mu' ? bilboLoss(v, reconstruction) : bilboLoss(means, v));
      return (f(plus) - f(minus)) / (2 * h);
    };
    const analyticMu = gradientMu.arraySync() as number[][];
    const analyticR = gradientR.arraySync() as number[][];
    means.forEach((row, i) => row.forEach((_, j) => expect(analyticMu[i]?.[j]).toBeCloseTo(numerical(means, [i, j], 'mu'), 4)));
    reconstruction.forEach((row, i) => row.forEach((_, k) => expect(analyticR[i]?.[k]).toBeCloseTo(numerical(reconstruction, [i, k], 'r'), 4)));
    tf.dispose([mu, r, gradientMu, gradientR]);
  });

  it('GECO mode: core GECO on the per-example KL to the floating prior, whose mean is the log1p rate', () => {
    // RE-style constraint C = mean_i ||x - r||^2 - 0.05, evaluated by hand below.
    const constraint: ConstraintV1 = {
      specificationVersion: 'v1',
      id: 'test/squared-error',
      name: 'se',
      kappa: 0.05,
      units: 'squared error',
      toUnits: (value) => value,
      evaluate: ({ batch, output }) => ({
        value: tf.tidy(() => tf.sub(tf.mean(tf.sum(tf.reshape(tf.squaredDifference(batch.inputs, output.reconstruction), [3, -1]), 1)), 0.05) as tf.Scalar),
      }),
      dispose: () => {},
    };
    const objective = createBilboObjective({ model: stubModel(s, 2), geco: { constraints: [{ constraint, initialMultiplier: 2 }] } });
    expect(objective.name).toBe('bilbo-geco');
    const mu = tf.tensor2d(means);
    const r = tf.tensor2d(reconstruction);
    const { loss, metrics } = computeOn(objective, mu, r);
    const squaredError = data.reduce((sum, row, i) => sum + row.reduce((inner, x, k) => inner + (x - (reconstruction[i]?.[k] as number)) ** 2, 0), 0) / 3;
    const rate = [0, 1].reduce((sum, j) => sum + 0.5 * Math.log1p(means.reduce((inner, row) => inner + (row[j] as number) ** 2, 0) / 3 / (s * s)), 0);
    expect(loss.dataSync()[0]).toBeCloseTo(rate + 2 * (squaredError - 0.05), 4);
    expect(metrics['se.value']?.dataSync()[0]).toBeCloseTo(squaredError - 0.05, 5);
    tf.dispose([loss, ...Object.values(metrics), mu, r]);
    const state = objective.getState();
    expect(state).toHaveProperty('geco');
  });
});

describe('BILBO objective: the moving prior', () => {
  it('changes nothing in computeLoss; afterStep starts the moving average at the first batch, then decays', () => {
    const model = stubModel(s, 2);
    const objective = createBilboObjective({ model, likelihood: createGaussianLikelihood({ sigma }), priorMovingAverageDecay: 0.9 });
    const before = JSON.stringify(objective.getState());
    const mu = tf.tensor2d(means);
    const r = tf.tensor2d(reconstruction);
    const { loss, metrics } = computeOn(objective, mu, r);
    tf.dispose([loss, ...Object.values(metrics), mu, r]);
    // A step the trainer rejects never reaches afterStep: no trace in the state or the model.
    expect(JSON.stringify(objective.getState())).toBe(before);
    expect(model.writes).toBe(0);
    const step = (values: number[]) => ({ loss: 1, ...Object.fromEntries(values.map((value, j) => [floatingPriorMetricName(j), value])) });
    const logged = objective.afterStep({ step: 0, metrics: step([2, 0.5]) });
    expect(model.getPriorVariance()).toEqual([2, 0.5]);
    expect(logged['bilbo.movingRate']).toBeCloseTo(0.5 * (Math.log(2 / (s * s)) + Math.log(0.5 / (s * s))), 12);
    objective.afterStep({ step: 1, metrics: step([4, 1.5]) });
    expect(model.getPriorVariance()[0]).toBeCloseTo(0.9 * 2 + 0.1 * 4, 14);
    expect(model.getPriorVariance()[1]).toBeCloseTo(0.9 * 0.5 + 0.1 * 1.5, 14);
    // JSON state round trip into a fresh objective continues identically.
    const saved = JSON.parse(JSON.stringify(objective.getState())) as JSONObject;
    const otherModel = stubModel(s, 2);
    const resumed = createBilboObjective({ model: otherModel, likelihood: createGaussianLikelihood({ sigma }), priorMovingAverageDecay: 0.9 });
    resumed.setState(saved);
    expect(otherModel.getPriorVariance()).toEqual(model.getPriorVariance());
    objective.afterStep({ step: 2, metrics: step([1, 1]) });
    resumed.afterStep({ step: 2, metrics: step([1, 1]) });
    expect(resumed.getState()).toEqual(objective.getState());
    expect(() => objective.afterStep({ step: 3, metrics: { loss: 1 } })).toThrow(/bilbo.priorVariance.0/);
    expect(() => resumed.setState({ updates: 1, priorVariance: [1] })).toThrow(InvalidArgumentError);
  });

  it('refuses a learned posterior, both or neither of likelihood/geco, and a model without posterior means', () => {
    const likelihood = createGaussianLikelihood({ sigma });
    expect(() => createBilboObjective({ model: stubModel(1, 2, 'learned'), likelihood })).toThrow(/posterior 'constant'/);
    expect(() => createBilboObjective({ model: stubModel(1, 2), likelihood, priorMovingAverageDecay: 1 })).toThrow(/priorMovingAverageDecay/);
    // @ts-expect-error neither likelihood nor geco
    expect(() => createBilboObjective({ model: stubModel(1, 2) })).toThrow(/exactly one/);
    const objective = createBilboObjective({ model: stubModel(1, 2), likelihood });
    const inputs = tf.zeros([3, 2, 2, 1]);
    const output = { reconstruction: inputs, kl: tf.zeros([3]) as tf.Tensor1D };
    expect(() => objective.computeLoss({ batch: { inputs }, output, step: 0 })).toThrow(/extras.posteriorMean/);
    tf.dispose([inputs, output.kl]);
  });
});

describe('BILBO objective with the BILBO VAE and core train()', () => {
  const makeDataset = () => {
    const values = tf.tidy(() => tf.randomUniform([24, 8, 8, 1], 0, 1, 'float32', 21).dataSync());
    return createArrayDataset({ train: Float32Array.from(values, (value) => (value > 0.55 ? 0.9 : 0.1)), shape: [8, 8, 1] });
  };

  it('trains: loss decreases, the moving prior tracks the floating prior, tensor count stays flat', async () => {
    const model = createBilboVaeModel({ ...tiny, name: 'bilbo-train' });
    const objective = createBilboObjective({ model, likelihood: createGaussianLikelihood({ sigma: 0.3 }), priorMovingAverageDecay: 0.5 });
    const losses: number[] = [];
    const counts: number[] = [];
    let lastMetrics: Record<string, number> = {};
    await train({
      model,
      objective,
      dataset: makeDataset(),
      steps: 40,
      batchSize: 8,
      optimizer: { learningRate: 3e-3 },
      callbacks: [
        {
          onStepEnd: ({ metrics }) => {
            losses.push(metrics.loss as number);
            counts.push(tf.memory().numTensors);
            lastMetrics = { ...metrics };
          },
        },
      ],
    });
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses.slice(0, 5).reduce((a, b) => a + b) / 5 - 5);
    expect(new Set(counts.slice(1)).size).toBe(1);
    // Every logged floating-prior variance is >= s^2 and the model holds the moving estimate of them.
    const batchPrior = [0, 1, 2].map((j) => lastMetrics[floatingPriorMetricName(j)] as number);
    batchPrior.forEach((value) => expect(value).toBeGreaterThanOrEqual(1));
    const state = objective.getState() as { updates: number; priorVariance: number[] };
    expect(state.updates).toBe(40);
    expect(model.getPriorVariance()).toEqual(state.priorVariance.map((value) => Math.fround(value)));
    model.dispose();
  });

  it('resumes exactly: 6 steps in one run equal 3 + 3 steps through a memory checkpoint store', async () => {
    const run = async (steps: number, store: ReturnType<typeof createMemoryCheckpointStore>, resume: boolean) => {
      const model = createBilboVaeModel({ ...tiny, name: 'bilbo-resume', seed: 3 });
      const objective = createBilboObjective({ model, likelihood: createGaussianLikelihood({ sigma: 0.3 }), priorMovingAverageDecay: 0.8 });
      await train({ model, objective, dataset: makeDataset(), steps, batchSize: 8, seed: 5, checkpoint: { store, every: 3, resume } });
      const result = {
        weights: model.trainableVariables.map((variable) => Array.from(variable.dataSync())),
        prior: model.getPriorVariance(),
        state: objective.getState(),
      };
      model.dispose();
      return result;
    };
    const straight = await run(6, createMemoryCheckpointStore(), false);
    const store = createMemoryCheckpointStore();
    const half = await run(3, store, false);
    expect(half.prior).not.toEqual(straight.prior);
    const resumed = await run(6, store, true);
    expect(resumed.weights).toEqual(straight.weights);
    expect(resumed.prior).toEqual(straight.prior);
    expect(resumed.state).toEqual(straight.state);
    // The checkpoint holds the model's moving prior as a tensor and the objective's float64 copy as JSON.
    const checkpoint = store.saved.at(-1);
    expect(checkpoint?.tensors.some((tensor) => tensor.name === 'bilbo-resume/prior/variance')).toBe(true);
    expect((checkpoint?.state.objective as { updates: number }).updates).toBe(6);
  });

  it('a step rejected by the NaN guard (overflowing data) leaves the moving prior and the objective state untouched', async () => {
    const model = createBilboVaeModel({ ...tiny, name: 'bilbo-nan' });
    const objective = createBilboObjective({ model, likelihood: createGaussianLikelihood({ sigma: 0.3 }) });
    await train({ model, objective, dataset: makeDataset(), steps: 2, batchSize: 8 });
    const state = JSON.stringify(objective.getState());
    const prior = model.getPriorVariance();
    const broken = createArrayDataset({ train: new Float32Array(8 * 64).fill(1e30), shape: [8, 8, 1] });
    await expect(train({ model, objective, dataset: broken, steps: 1, batchSize: 8 })).rejects.toBeInstanceOf(NonFiniteValueError);
    expect(JSON.stringify(objective.getState())).toBe(state);
    expect(model.getPriorVariance()).toEqual(prior);
    model.dispose();
  });
});
