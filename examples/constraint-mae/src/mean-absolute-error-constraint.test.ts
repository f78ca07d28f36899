// The runtime a test needs: the union package registers the cpu backend and every gradient (tfjs-core has none).
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { createGecoObjective, InvalidPluginConfigError } from '@tame/core';
import { describeConstraintPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createMeanAbsoluteErrorConstraint, meanAbsoluteErrorConstraint } from './mean-absolute-error-constraint.js';

describeConstraintPluginConformance(meanAbsoluteErrorConstraint, {
  config: { kappa: 0.05 },
  batch: () => ({ inputs: tf.randomUniform([3, 5, 5, 1], 0, 1, 'float32', 1) }),
  reconstruction: () => tf.randomUniform([3, 5, 5, 1], 0, 1, 'float32', 2),
});

/** Two 2x2 images and their reconstructions, chosen so every sum below is exact in float32. */
function handMadeBatch() {
  const inputs = tf.tensor4d([0, 0.5, 1, 0.25, 1, 1, 0, 0], [2, 2, 2, 1]);
  const reconstruction = tf.tensor4d([0.25, 0.5, 0.5, 0.25, 0, 1, 0.5, 0.25], [2, 2, 2, 1]);
  return { inputs, reconstruction, kl: tf.zeros([2]) as tf.Tensor1D };
}

describe('MAE constraint', () => {
  it('equals the per-image sum of absolute errors minus D kappa, computed by hand', () => {
    const constraint = createMeanAbsoluteErrorConstraint({ kappa: 0.25 });
    const { inputs, reconstruction, kl } = handMadeBatch();
    const { value, measure } = constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } });
    // image 1: 0.25 + 0 + 0.5 + 0 = 0.75; image 2: 1 + 0 + 0.5 + 0.25 = 1.75; mean 1.25; D kappa = 4 * 0.25 = 1.
    expect(value.shape).toEqual([]);
    expect(value.dataSync()[0]).toBeCloseTo(0.25, 6);
    expect(measure).toBeUndefined();
    // In kappa's units: the batch MAE per pixel, 1.25 / 4.
    expect(constraint.toUnits?.(0.25)).toBeCloseTo(0.3125, 10);
    // The error budget D kappa = 1, so the violation is MAE / kappa - 1 = 0.3125 / 0.25 - 1.
    expect(constraint.violationScale?.()).toBeCloseTo(1, 10);
    tf.dispose([inputs, reconstruction, kl, value]);
  });

  it('is satisfied exactly when the mean absolute error per pixel is at most kappa', () => {
    const constraint = createMeanAbsoluteErrorConstraint({ kappa: 0.1 });
    const inputs = tf.zeros([4, 10]);
    const kl = tf.zeros([4]) as tf.Tensor1D;
    for (const [offset, satisfied] of [[0.099, true], [-0.099, true], [0.101, false]] as const) {
      const reconstruction = tf.fill([4, 10], offset);
      const { value } = constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } });
      expect(value.dataSync()[0]! <= 0, `offset ${offset}`).toBe(satisfied);
      tf.dispose([reconstruction, value]);
    }
    tf.dispose([inputs, kl]);
  });

  it('has the gradient -sign(x - x_hat) / B with respect to the reconstruction', () => {
    const constraint = createMeanAbsoluteErrorConstraint({ kappa: 0.25 });
    const { inputs, kl } = handMadeBatch();
    // No pixel reconstructed exactly: |.| has a kink at 0, where tfjs picks the subgradient -1.
    const reconstruction = tf.tensor4d([0.25, 0.75, 0.5, 0, 0, 0.5, 0.5, 0.25], [2, 2, 2, 1]);
    const gradient = tf.grad((prediction: tf.Tensor) => constraint.evaluate({ batch: { inputs }, output: { reconstruction: prediction, kl } }).value)(
      reconstruction,
    );
    // x - x_hat = [-0.25, -0.25, 0.5, 0.25, 1, 0.5, -0.5, -0.25]; B = 2.
    expect(Array.from(gradient.dataSync())).toEqual([0.5, 0.5, -0.5, -0.5, -0.5, -0.5, 0.5, 0.5]);
    tf.dispose([inputs, reconstruction, kl, gradient]);
  });

  it('knows neither its units conversion nor its violation scale before the first batch', () => {
    const constraint = createMeanAbsoluteErrorConstraint({ kappa: 0.1 });
    expect(constraint.violationScale?.()).toBeUndefined();
    expect(constraint.toUnits?.(0)).toBeNaN();
  });

  it('gives GECO the unit-free violation MAE / kappa - 1', () => {
    const constraint = createMeanAbsoluteErrorConstraint({ kappa: 0.25, name: 'mae' });
    const objective = createGecoObjective({ constraints: [constraint] });
    const { inputs, reconstruction, kl } = handMadeBatch();
    const { loss, metrics } = objective.computeLoss({ batch: { inputs }, output: { reconstruction, kl }, step: 0 });
    const movingAverage = metrics['mae.movingAverage']!.dataSync()[0]!;
    const logged = objective.afterStep({ step: 0, metrics: { 'mae.movingAverage': movingAverage } });
    expect(logged['mae.violation']).toBeCloseTo(0.3125 / 0.25 - 1, 6);
    tf.dispose([inputs, reconstruction, kl, loss, ...Object.values(metrics)]);
  });

  it('names itself and both shapes when the reconstruction does not match the data', () => {
    const constraint = createMeanAbsoluteErrorConstraint({ kappa: 0.1 });
    const inputs = tf.zeros([2, 4]);
    const reconstruction = tf.zeros([2, 5]);
    const kl = tf.zeros([2]) as tf.Tensor1D;
    expect(() => constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } })).toThrow(
      /constraint 'mae' \(@tame-example\/constraint-mae\) reconstruction: shape \[2,5\] does not match the data shape \[2,4\]/,
    );
    tf.dispose([inputs, reconstruction, kl]);
  });

  it('rejects a config that is not a positive kappa, naming the plugin and the field', () => {
    expect(() => createMeanAbsoluteErrorConstraint({ kappa: 0 })).toThrow(InvalidPluginConfigError);
    expect(() => createMeanAbsoluteErrorConstraint({ kappa: -1 })).toThrow(
      /Invalid config for plugin '@tame-example\/constraint-mae': kappa: kappa is a per-pixel mean absolute error and must be > 0/,
    );
    expect(() => createMeanAbsoluteErrorConstraint({ kappa: 0.1, name: 'Not Valid' })).toThrow(/constraint-mae': name: must be lower-case/);
    // strictObject: a misspelt option is an error, not silently ignored.
    expect(() => createMeanAbsoluteErrorConstraint({ kappa: 0.1, kapa: 0.2 } as never)).toThrow(/kapa/);
  });
});
