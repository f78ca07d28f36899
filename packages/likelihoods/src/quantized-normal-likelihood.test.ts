import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, InvalidPluginConfigError, parsePluginConfig } from '@tame/core';
import { describeLikelihoodPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { quantizedNormalNegativeLogLikelihood } from './quantized-normal.js';
import { createQuantizedNormalLikelihood, quantizedNormalLikelihood } from './quantized-normal-likelihood.js';
import { finiteDifferenceGradient, referenceQuantizedNormalNll } from './testing/reference-math.js';

describeLikelihoodPluginConformance(quantizedNormalLikelihood, {
  config: { sigma: 0.05 },
  data: () => tf.div(tf.round(tf.mul(tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 1), 255)), 255),
  reconstruction: () => tf.randomUniform([3, 4, 4, 1], -0.2, 1.2, 'float32', 2),
});

describeLikelihoodPluginConformance(quantizedNormalLikelihood, {
  config: { sigma: 0.2, learnSigma: true, name: 'conformance-quantized', bins: 16, low: -1, high: 1 },
  data: () => tf.randomUniform([2, 6], -1, 1, 'float32', 3),
  reconstruction: () => tf.randomUniform([2, 6], -1, 1, 'float32', 4),
});

describe('quantized-normal likelihood plugin', () => {
  it('returns the per-example sum of -log bin probabilities (hand value and float64 reference)', () => {
    const likelihood = createQuantizedNormalLikelihood({ sigma: 0.25, bins: 4 });
    const data = tf.tensor2d([[0.3, 0.1], [0.9, 0.6]]);
    const mean = tf.tensor2d([[0.5, 0.5], [0.5, 0.2]]);
    const nll = likelihood.negativeLogLikelihood(data, mean);
    // Row 0 by hand from the normal table: Phi(0) - Phi(-1) = 0.341344746 and Phi(-1) = 0.158655254.
    expect(nll.dataSync()[0]).toBeCloseTo(-Math.log(0.341344746) - Math.log(0.158655254), 5);
    const row1 = referenceQuantizedNormalNll(0.9, 0.5, 0.25, 4) + referenceQuantizedNormalNll(0.6, Math.fround(0.2), 0.25, 4);
    expect(nll.dataSync()[1]).toBeCloseTo(row1, 5);
    tf.dispose([data, mean, nll]);
  });

  it('learns sigma: the gradient w.r.t. log-sigma matches finite differences of the float64 reference', () => {
    const likelihood = createQuantizedNormalLikelihood({ sigma: 0.1, learnSigma: true, minimumSigma: 0, name: 'quantized-a' });
    const logSigma = likelihood.trainableVariables[0] as tf.Variable;
    expect(logSigma.name).toBe('quantized-a/log-sigma');
    const data = [0.2, 0.75, 0, 1];
    const mean = [Math.fround(0.23), Math.fround(0.6), Math.fround(0.05), Math.fround(0.9)];
    const [expected] = finiteDifferenceGradient(
      ([log]) => data.reduce((sum, x, index) => sum + referenceQuantizedNormalNll(Math.fround(x), mean[index] as number, Math.exp(log as number)), 0),
      [logSigma.dataSync()[0] as number],
      1e-6,
    );
    const dataTensor = tf.tensor2d([data]);
    const meanTensor = tf.tensor2d([mean]);
    const { value, grads } = tf.variableGrads(() => tf.sum(likelihood.negativeLogLikelihood(dataTensor, meanTensor)) as tf.Scalar, [logSigma]);
    expect((grads[logSigma.name] as tf.Tensor).dataSync()[0]).toBeCloseTo(expected as number, 3);
    tf.dispose([value, dataTensor, meanTensor, ...Object.values(grads)]);
    likelihood.dispose();
  });

  it('matches the functional form with a fixed sigma', () => {
    const likelihood = createQuantizedNormalLikelihood({ sigma: 0.07, bins: 32 });
    const data = tf.randomUniform([4, 9], 0, 1, 'float32', 9);
    const mean = tf.randomUniform([4, 9], 0, 1, 'float32', 10);
    const [plugin, functional] = [likelihood.negativeLogLikelihood(data, mean), quantizedNormalNegativeLogLikelihood(data, mean, 0.07, { bins: 32 })];
    expect(Array.from(plugin.dataSync())).toEqual(Array.from(functional.dataSync()));
    tf.dispose([data, mean, plugin, functional]);
  });

  it('rejects invalid bins, ranges and sigma in the config, naming the plugin and the field', () => {
    const invalid = (config: unknown, field: RegExp) => {
      let error: unknown;
      try {
        quantizedNormalLikelihood.create(parsePluginConfig(quantizedNormalLikelihood, config));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidPluginConfigError);
      expect((error as Error).message).toMatch(/@tame\/likelihoods\/quantized-normal/);
      expect((error as Error).message).toMatch(field);
    };
    invalid({ bins: 1 }, /bins/);
    invalid({ bins: 2.5 }, /bins/);
    invalid({ low: 1, high: 0 }, /high: must be greater than low/);
    invalid({ sigma: 0 }, /sigma/);
    invalid({ sigma: -0.1 }, /sigma/);
    invalid({ learnSigma: true, sigma: 0.001, minimumSigma: 0.01 }, /sigma: must be greater than minimumSigma/);
  });

  it('rejects data outside [low, high], NaN and mismatched shapes on the first call', () => {
    const outside = tf.tensor2d([[0.5, 1.7]]);
    const mean = tf.tensor2d([[0.5, 0.5]]);
    expect(() => createQuantizedNormalLikelihood().negativeLogLikelihood(outside, mean)).toThrow(
      /quantized-normal data: values span \[0\.5, 1\.7\], outside the declared range \[0, 1\] \(low\/high\)/,
    );
    const nan = tf.tensor2d([[0.5, Number.NaN]]);
    expect(() => createQuantizedNormalLikelihood().negativeLogLikelihood(mean, nan)).toThrow(InvalidArgumentError);
    const short = tf.tensor2d([[0.5]]);
    expect(() => createQuantizedNormalLikelihood().negativeLogLikelihood(mean, short)).toThrow(/quantized-normal reconstruction: shape/);
    // Half a bin of rounding outside the range is accepted (into the edge bins).
    const rounded = tf.tensor2d([[-0.001, 1.001]]);
    const nll = createQuantizedNormalLikelihood().negativeLogLikelihood(rounded, mean);
    expect(Array.from(nll.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([outside, mean, nan, short, rounded, nll]);
  });
});
