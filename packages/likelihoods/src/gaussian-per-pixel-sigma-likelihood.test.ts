import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, InvalidPluginConfigError } from '@tame/core';
import { describeLikelihoodPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createGaussianPerPixelSigmaLikelihood, gaussianPerPixelSigmaLikelihood } from './gaussian-per-pixel-sigma-likelihood.js';
import { finiteDifferenceGradient } from './testing/reference-math.js';

describeLikelihoodPluginConformance(gaussianPerPixelSigmaLikelihood, {
  config: { shape: [4, 4, 1], initialSigma: 0.3, name: 'conformance-per-pixel' },
  data: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 1),
  reconstruction: () => tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 2),
});

// sum_d -log N(x_d; mu_d, sigma_d^2), sigma_d^2 = exp(2 logSigma_d) + minimum^2, in float64.
function reference(data: number[], mean: number[], logSigma: number[], minimumSigma: number): number {
  return data.reduce((sum, x, index) => {
    const variance = Math.exp(2 * (logSigma[index] as number)) + minimumSigma ** 2;
    return sum + (x - (mean[index] as number)) ** 2 / (2 * variance) + 0.5 * Math.log(2 * Math.PI * variance);
  }, 0);
}

describe('Gaussian likelihood with a learned sigma per pixel', () => {
  it('has one log-sigma per data dimension and matches the hand formula with different sigmas', () => {
    const likelihood = createGaussianPerPixelSigmaLikelihood({ shape: [3], name: 'per-pixel-a', minimumSigma: 0 });
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    expect([logSigma.name, logSigma.shape]).toEqual(['per-pixel-a/log-sigma', [3]]);
    const sigmas = [0.1, 0.5, 2];
    logSigma.assign(tf.tensor1d(sigmas.map(Math.log)));
    const data = tf.tensor2d([[0.2, 0.9, 0.4], [1, 0, 0.5]]);
    const mean = tf.tensor2d([[0.0, 1.0, 0.4], [0.7, 0.2, -1]]);
    const density = (x: number, mu: number, sigma: number) => Math.exp(-((x - mu) ** 2) / (2 * sigma * sigma)) / Math.sqrt(2 * Math.PI * sigma * sigma);
    const expected = [
      -Math.log(density(0.2, 0, 0.1) * density(0.9, 1, 0.5) * density(0.4, 0.4, 2)),
      -Math.log(density(1, 0.7, 0.1) * density(0, 0.2, 0.5) * density(0.5, -1, 2)),
    ];
    const nll = likelihood.negativeLogLikelihood(data, mean);
    Array.from(nll.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 4));
    tf.dispose([data, mean, nll]);
    likelihood.dispose();
  });

  it('has the gradient of the reference w.r.t. the reconstruction and every log-sigma (finite differences)', () => {
    const likelihood = createGaussianPerPixelSigmaLikelihood({ shape: [2, 2], name: 'per-pixel-b', minimumSigma: 0.01 });
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    const logValues = [Math.log(0.3), Math.log(0.05), Math.log(0.8), Math.log(0.02)];
    logSigma.assign(tf.tensor2d(logValues, [2, 2]));
    const data = [0.2, 0.7, 0.4, 0.9];
    const mean = [0.5, 0.68, 0.1, 0.91];
    const expected = finiteDifferenceGradient((point) => reference(data, point.slice(0, 4), point.slice(4), 0.01), [...mean, ...logValues]);
    const dataTensor = tf.tensor3d(data, [1, 2, 2]);
    const meanVariable = tf.variable(tf.tensor3d(mean, [1, 2, 2]), true, 'per-pixel-b-test/mean');
    const { value, grads } = tf.variableGrads(() => tf.sum(likelihood.negativeLogLikelihood(dataTensor, meanVariable)) as tf.Scalar, [meanVariable, logSigma]);
    const actual = [...Array.from((grads[meanVariable.name] as tf.Tensor).dataSync()), ...Array.from((grads[logSigma.name] as tf.Tensor).dataSync())];
    actual.forEach((component, index) => {
      const target = expected[index] as number;
      expect(Math.abs(component - target), `component ${index}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(target)));
    });
    tf.dispose([value, dataTensor, meanVariable, ...Object.values(grads)]);
    likelihood.dispose();
  });

  it('is stationary where each sigma_d^2 is the mean squared error of dimension d', () => {
    const likelihood = createGaussianPerPixelSigmaLikelihood({ shape: [5], name: 'per-pixel-c', minimumSigma: 0 });
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    const data = tf.randomUniform([16, 5], 0, 1, 'float32', 7);
    const mean = tf.randomUniform([16, 5], 0, 1, 'float32', 8);
    tf.tidy(() => logSigma.assign(tf.mul(0.5, tf.log(tf.mean(tf.squaredDifference(data, mean), 0)))));
    const gradient = tf.grad(() => tf.mean(likelihood.negativeLogLikelihood(data, mean)))(logSigma);
    // Without the optimum the gradient is O(1); at it, float32 round-off only.
    Array.from(gradient.dataSync()).forEach((value) => expect(Math.abs(value)).toBeLessThan(1e-4));
    tf.dispose([data, mean, gradient]);
    likelihood.dispose();
  });

  it('refuses data whose example shape differs from the configured shape, and invalid configs', () => {
    const likelihood = createGaussianPerPixelSigmaLikelihood({ shape: [2, 2], name: 'per-pixel-d' });
    const data = tf.zeros([3, 4]);
    let error: unknown;
    try {
      likelihood.negativeLogLikelihood(data, data);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/gaussian-per-pixel-sigma shape: the likelihood was created for examples of shape \[2,2\]/);
    data.dispose();
    likelihood.dispose();
    expect(() => createGaussianPerPixelSigmaLikelihood({ shape: [] })).toThrow(InvalidPluginConfigError);
    expect(() => createGaussianPerPixelSigmaLikelihood({ shape: [2, 0] })).toThrow(/shape/);
    expect(() => createGaussianPerPixelSigmaLikelihood({} as never)).toThrow(/gaussian-per-pixel-sigma.*shape/);
  });
});
