import * as tf from '@tensorflow/tfjs-core';
import { createGaussianLikelihood } from '@tame/likelihoods';
import { describe, expect, it } from 'vitest';
import { annealedBeta, createAnnealedBetaObjective } from './annealed-beta-objective.js';

describe('annealed beta objective', () => {
  it('ramps beta linearly from `from` to `to`, then holds it', () => {
    const schedule = { from: 10, to: 1, steps: 100 };
    expect([0, 50, 100, 500].map((step) => annealedBeta(schedule, step))).toEqual([10, 5.5, 1, 1]);
  });

  it('is NLL + beta(t) KL, computed by hand', () => {
    const likelihood = createGaussianLikelihood({ sigma: 1 });
    const objective = createAnnealedBetaObjective({ likelihood, from: 0, to: 2, steps: 4 });
    const inputs = tf.tensor2d([[1, 2]]);
    const output = { reconstruction: tf.tensor2d([[0, 0]]), kl: tf.tensor1d([3]) };
    const { loss, metrics } = objective.computeLoss({ batch: { inputs }, output, step: 1 });
    // NLL = (1 + 4) / 2 + 2 * 0.5 log(2 pi) = 2.5 + log(2 pi); beta(1) = 0.5; loss = NLL + 1.5.
    expect(loss.dataSync()[0]).toBeCloseTo(2.5 + Math.log(2 * Math.PI) + 1.5, 4);
    expect(metrics.beta?.dataSync()[0]).toBe(0.5);
    tf.dispose([inputs, output.reconstruction, output.kl, loss, ...Object.values(metrics)]);
    expect(() => createAnnealedBetaObjective({ likelihood, from: -1, to: 1, steps: 1 })).toThrow(/beta-anneal from/);
  });
});
