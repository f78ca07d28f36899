import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset, createElboObjective, createMemoryCheckpointStore, InvalidPluginConfigError, train } from '@tame/core';
import { createTinyVae, describeLikelihoodPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createGaussianLearnedSigmaLikelihood, gaussianLearnedSigmaLikelihood } from './gaussian-learned-sigma-likelihood.js';
import { createGaussianLikelihood } from './gaussian-likelihood.js';
import { finiteDifferenceGradient, seededUniform } from './testing/reference-math.js';

describeLikelihoodPluginConformance(gaussianLearnedSigmaLikelihood, {
  config: { initialSigma: 0.3, name: 'conformance-learned' },
  data: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 1),
  reconstruction: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 2),
});

// -log N summed over values, with sigma^2 = exp(2 logSigma) + minimum^2, in float64.
function reference(data: number[], mean: number[], logSigma: number, minimumSigma: number): number {
  const variance = Math.exp(2 * logSigma) + minimumSigma ** 2;
  return data.reduce((sum, x, index) => sum + (x - (mean[index] as number)) ** 2 / (2 * variance) + 0.5 * Math.log(2 * Math.PI * variance), 0);
}

describe('Gaussian likelihood with a learned global sigma', () => {
  it('exposes one scalar log-sigma variable, starts at initialSigma and equals the fixed Gaussian there', () => {
    const learned = createGaussianLearnedSigmaLikelihood({ initialSigma: 0.25, name: 'learned-a' });
    const fixed = createGaussianLikelihood({ sigma: 0.25 });
    expect(learned.trainableVariables.map((variable) => [variable.name, variable.shape])).toEqual([['learned-a/log-sigma', []]]);
    const data = tf.tensor2d([[0.2, 0.9, 0.4], [0.5, 0.5, 0.1]]);
    const mean = tf.tensor2d([[0.0, 1.0, 0.4], [0.3, 0.6, 0.0]]);
    const [learnedNll, fixedNll] = [learned.negativeLogLikelihood(data, mean), fixed.negativeLogLikelihood(data, mean)];
    Array.from(learnedNll.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(fixedNll.dataSync()[index] as number, 4));
    tf.dispose([data, mean, learnedNll, fixedNll]);
    learned.dispose();
  });

  it('matches the hand formula for a set log-sigma, including the smooth floor', () => {
    const likelihood = createGaussianLearnedSigmaLikelihood({ name: 'learned-b', minimumSigma: 0.05 });
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    const data = [0.2, 0.7, 0.1, 0.95];
    const mean = [0.5, 0.1, 0.1, 0.9];
    for (const value of [Math.log(0.3), Math.log(0.01), -30]) {
      logSigma.assign(tf.scalar(value));
      const nll = tf.tidy(() => likelihood.negativeLogLikelihood(tf.tensor2d([data]), tf.tensor2d([mean])).dataSync()[0] as number);
      const expected = reference(data, mean, value, 0.05);
      expect(Math.abs(nll - expected)).toBeLessThan(1e-5 * Math.abs(expected) + 1e-5); // float32 relative precision
    }
    // logSigma = -30: sigma is the floor 0.05, so the NLL stays bounded however far logSigma drifts.
    likelihood.dispose();
  });

  it('has the gradient of the reference w.r.t. the reconstruction and log-sigma (finite differences)', () => {
    const likelihood = createGaussianLearnedSigmaLikelihood({ name: 'learned-c', initialSigma: 0.2, minimumSigma: 0.02 });
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    const data = [0.2, 0.7, 0.4];
    const mean = [0.5, 0.1, 0.45];
    const start = logSigma.dataSync()[0] as number;
    const expected = finiteDifferenceGradient((point) => reference(data, point.slice(0, 3), point[3] as number, 0.02), [...mean, start]);
    const dataTensor = tf.tensor2d([data]);
    const meanVariable = tf.variable(tf.tensor2d([mean]), true, 'learned-c-test/mean');
    const { value, grads } = tf.variableGrads(() => tf.sum(likelihood.negativeLogLikelihood(dataTensor, meanVariable)) as tf.Scalar, [meanVariable, logSigma]);
    const actual = [...Array.from((grads[meanVariable.name] as tf.Tensor).dataSync()), (grads[logSigma.name] as tf.Tensor).dataSync()[0] as number];
    actual.forEach((component, index) => expect(component).toBeCloseTo(expected[index] as number, 3));
    tf.dispose([value, dataTensor, meanVariable, ...Object.values(grads)]);
    likelihood.dispose();
  });

  it('is stationary in log-sigma at sigma^2 = mean squared error (no floor), and gradient steps find it', () => {
    const likelihood = createGaussianLearnedSigmaLikelihood({ name: 'learned-d', minimumSigma: 0, initialSigma: 1 });
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    const data = tf.randomUniform([8, 10], 0, 1, 'float32', 3);
    const mean = tf.randomUniform([8, 10], 0, 1, 'float32', 4);
    const meanSquaredError = tf.tidy(() => tf.mean(tf.squaredDifference(data, mean)).dataSync()[0] as number);
    const loss = () => tf.mean(likelihood.negativeLogLikelihood(data, mean)) as tf.Scalar;
    for (let step = 0; step < 200; step += 1) {
      const { value, grads } = tf.variableGrads(loss, [logSigma]);
      tf.tidy(() => logSigma.assign(tf.sub(logSigma, tf.mul(0.05, grads[logSigma.name] as tf.Tensor))));
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(Math.exp(2 * (logSigma.dataSync()[0] as number))).toBeCloseTo(meanSquaredError, 4);
    tf.dispose([data, mean]);
    likelihood.dispose();
  });

  it('frees its variable on dispose, and refuses a clashing name or initialSigma <= minimumSigma', () => {
    const first = createGaussianLearnedSigmaLikelihood({ name: 'learned-e' });
    expect(() => createGaussianLearnedSigmaLikelihood({ name: 'learned-e' })).toThrow(/name: a live variable is already called 'learned-e\/log-sigma'/);
    const before = tf.memory().numTensors;
    first.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
    createGaussianLearnedSigmaLikelihood({ name: 'learned-e' }).dispose();
    expect(() => createGaussianLearnedSigmaLikelihood({ initialSigma: 0.01, minimumSigma: 0.01 })).toThrow(InvalidPluginConfigError);
    expect(() => createGaussianLearnedSigmaLikelihood({ initialSigma: -1 })).toThrow(/gaussian-learned-sigma.*initialSigma/);
    expect(() => createGaussianLearnedSigmaLikelihood({ minimumSigma: -1 })).toThrow(/minimumSigma/);
  });

  it('rejects mismatched shapes and NaN inputs', () => {
    const likelihood = createGaussianLearnedSigmaLikelihood({ name: 'learned-f' });
    const data = tf.tensor2d([[0.1, 0.2]]);
    const other = tf.tensor2d([[0.1], [0.2]]);
    const infinite = tf.tensor2d([[0.1, Number.POSITIVE_INFINITY]]);
    expect(() => likelihood.negativeLogLikelihood(data, other)).toThrow(/gaussian-learned-sigma reconstruction: shape/);
    expect(() => likelihood.negativeLogLikelihood(infinite, data)).toThrow(/gaussian-learned-sigma data: contains NaN or infinite/);
    tf.dispose([data, other, infinite]);
    likelihood.dispose();
  });
});

describe('learned sigma in core training', () => {
  it('is optimised and checkpointed by train() through the ELBO objective', async () => {
    const likelihood = createGaussianLearnedSigmaLikelihood({ name: 'training-likelihood', initialSigma: 1 });
    const model = createTinyVae({ inputSize: 8, name: 'training-vae' });
    const random = seededUniform(5);
    const dataset = createArrayDataset({ train: Array.from({ length: 32 * 8 }, () => random()), shape: [8] });
    const store = createMemoryCheckpointStore();
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    await train({
      model,
      objective: createElboObjective({ likelihood }),
      dataset,
      steps: 20,
      batchSize: 8,
      optimizer: { learningRate: 0.05 },
      checkpoint: { store },
    });
    // Reconstructions of uniform data are off by ~0.3, so sigma falls from 1 towards that.
    expect(Math.exp(logSigma.dataSync()[0] as number)).toBeLessThan(0.7);
    const latest = await store.loadLatest();
    expect(latest?.checkpoint.tensors.map((tensor) => tensor.name)).toContain('training-likelihood/log-sigma');
    likelihood.dispose();
    model.dispose();
    dataset.dispose();
  });
});
