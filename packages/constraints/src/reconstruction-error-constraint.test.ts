import * as tf from '@tensorflow/tfjs-core';
import { describeConstraintPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createReconstructionErrorConstraint, reconstructionErrorConstraint } from './reconstruction-error-constraint.js';
import { gradientCheck } from './testing/gradient-check.js';

describeConstraintPluginConformance(reconstructionErrorConstraint, {
  config: { kappa: 0.1 },
  batch: () => ({ inputs: tf.randomUniform([3, 5, 5, 1], 0, 1, 'float32', 1) }),
  reconstruction: () => tf.randomUniform([3, 5, 5, 1], 0, 1, 'float32', 2),
});

describe('RE constraint', () => {
  it('equals the per-image sum of squares minus D kappa^2, computed by hand', () => {
    const constraint = createReconstructionErrorConstraint({ kappa: 0.5, name: 're' });
    const inputs = tf.tensor4d([0, 1, 1, 1], [2, 2, 1, 1]);
    const reconstruction = tf.tensor4d([0.5, 1, 0, 0], [2, 2, 1, 1]);
    const { value } = constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl: tf.zeros([2]) as tf.Tensor1D } });
    // image 1: 0.25; image 2: 1 + 1 = 2; mean 1.125; minus D kappa^2 = 2 * 0.25.
    expect(value.dataSync()[0]).toBeCloseTo(1.125 - 0.5, 6);
    // Back in kappa's units: batch RMSE = sqrt(1.125 / 2).
    expect(constraint.toUnits!(value.dataSync()[0]!)).toBeCloseTo(Math.sqrt(1.125 / 2), 6);
    tf.dispose([inputs, reconstruction, value]);
  });

  it('is satisfied exactly when the RMSE is at most kappa', () => {
    const constraint = createReconstructionErrorConstraint({ kappa: 0.1, name: 're' });
    const inputs = tf.zeros([4, 10]);
    for (const [offset, satisfied] of [[0.099, true], [0.101, false]] as const) {
      const reconstruction = tf.fill([4, 10], offset);
      const { value } = constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl: tf.zeros([4]) as tf.Tensor1D } });
      expect(value.dataSync()[0]! <= 0).toBe(satisfied);
      tf.dispose([reconstruction, value]);
    }
    inputs.dispose();
  });

  it('names itself and the shapes on a mismatch', () => {
    const constraint = createReconstructionErrorConstraint({ kappa: 0.1, name: 're' });
    const inputs = tf.zeros([2, 4]);
    const reconstruction = tf.zeros([2, 5]);
    expect(() => constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl: tf.zeros([2]) as tf.Tensor1D } })).toThrow(
      /constraint 're' \(@tame\/constraints\/re\) reconstruction: shape \[2,5\] does not match the data shape \[2,4\]/,
    );
    tf.dispose([inputs, reconstruction]);
  });

  it('has the gradient of its value w.r.t. the reconstruction (finite differences)', () => {
    const constraint = createReconstructionErrorConstraint({ kappa: 0.1 });
    const inputs = tf.randomUniform([2, 3, 3, 1], 0, 1, 'float32', 5);
    const point = tf.randomUniform([2, 3, 3, 1], 0, 1, 'float32', 6);
    const kl = tf.zeros([2]) as tf.Tensor1D;
    const { analytic, numeric } = gradientCheck(
      (reconstruction) => constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } }).value,
      point,
      [0, 4, 9, 17],
    );
    // Closed form as well: d/dx_hat mean_b sum (x - x_hat)^2 = -2 (x - x_hat) / B.
    const x = inputs.dataSync();
    const y = point.dataSync();
    [0, 4, 9, 17].forEach((flat, index) => {
      expect(analytic[index]).toBeCloseTo(numeric[index] as number, 2);
      expect(analytic[index]).toBeCloseTo((-2 * ((x[flat] as number) - (y[flat] as number))) / 2, 5);
    });
    tf.dispose([inputs, point, kl]);
  });

  it('converts values to RMSE before any batch when given its dimensions, and checks them against the batch', () => {
    const constraint = createReconstructionErrorConstraint({ kappa: 0.1, dimensions: 4 });
    // C = 4 * 0.3^2 - 4 * 0.1^2 = 0.32 per image -> RMSE 0.3.
    expect(constraint.toUnits?.(0.32)).toBeCloseTo(0.3, 10);
    const inputs = tf.zeros([1, 3]);
    const output = { reconstruction: tf.zeros([1, 3]), kl: tf.zeros([1]) as tf.Tensor1D };
    expect(() => constraint.evaluate({ batch: { inputs }, output })).toThrow(/says 4 values per example, the batch has 3/);
    tf.dispose([inputs, output.reconstruction, output.kl]);
  });

  it('rejects a kappa that is not a positive RMSE, naming the plugin and the parameter', () => {
    expect(() => createReconstructionErrorConstraint({ kappa: 0 })).toThrow(
      /Invalid config for plugin '@tame\/constraints\/re': kappa: kappa is a per-pixel RMSE and must be > 0/,
    );
    expect(() => createReconstructionErrorConstraint({ kappa: 0.1, name: 'Not Valid' })).toThrow(/@tame\/constraints\/re': name/);
  });

  it('names the input holding a NaN instead of returning one, leaking nothing', () => {
    const constraint = createReconstructionErrorConstraint({ kappa: 0.1, name: 're' });
    const inputs = tf.zeros([2, 3]);
    const reconstruction = tf.tensor2d([0, 0, 0, 0, Number.NaN, 0], [2, 3]);
    const kl = tf.zeros([2]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    expect(() => constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } })).toThrow(
      /Invalid constraint 're' \(@tame\/constraints\/re\) reconstruction: contains a non-finite value \(NaN at flat index 4 of shape \[2,3\]\)/,
    );
    expect(() => constraint.evaluate({ batch: { inputs: reconstruction }, output: { reconstruction: inputs, kl } })).toThrow(/re\) data: contains a non-finite value/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([inputs, reconstruction, kl]);
  });
});
