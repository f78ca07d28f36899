import * as tf from '@tensorflow/tfjs-core';
import { describeConstraintPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createPatchNccConstraint, patchNccConstraint } from './patch-ncc-constraint.js';
import { gradientCheck } from './testing/gradient-check.js';

describeConstraintPluginConformance(patchNccConstraint, {
  config: { kappa: 0.5, patchSize: 3 },
  batch: () => ({ inputs: tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 1) }),
  reconstruction: () => tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 2),
});

const noKl = (batchSize: number) => tf.zeros([batchSize]) as tf.Tensor1D;

/** Reference in float64: explicit k x k x C patches, centred, each extended by sqrt(n eps), cosine; plain JS. */
function referenceMeanNcc(
  x: Float32Array,
  y: Float32Array,
  [batch, height, width, channels]: readonly number[],
  patchSize: number,
  stride: number,
  epsilon: number,
): number {
  const at = (values: Float32Array, b: number, row: number, column: number, channel: number) =>
    values[((b * (height as number) + row) * (width as number) + column) * (channels as number) + channel] as number;
  let total = 0;
  let count = 0;
  for (let b = 0; b < (batch as number); b += 1) {
    for (let top = 0; top + patchSize <= (height as number); top += stride) {
      for (let left = 0; left + patchSize <= (width as number); left += stride) {
        const patchX: number[] = [];
        const patchY: number[] = [];
        for (let row = top; row < top + patchSize; row += 1) {
          for (let column = left; column < left + patchSize; column += 1) {
            for (let channel = 0; channel < (channels as number); channel += 1) {
              patchX.push(at(x, b, row, column, channel));
              patchY.push(at(y, b, row, column, channel));
            }
          }
        }
        const n = patchX.length;
        const whiten = (patch: number[]) => {
          const mean = patch.reduce((sum, value) => sum + value, 0) / n;
          const extended = [...patch.map((value) => value - mean), Math.sqrt(n * epsilon)];
          const norm = Math.sqrt(extended.reduce((sum, value) => sum + value * value, 0));
          return extended.map((value) => value / norm);
        };
        const whitenedX = whiten(patchX);
        const whitenedY = whiten(patchY);
        total += whitenedX.reduce((sum, value, index) => sum + value * (whitenedY[index] as number), 0);
        count += 1;
      }
    }
  }
  return total / count;
}

function evaluate(constraint: ReturnType<typeof createPatchNccConstraint>, inputs: tf.Tensor, reconstruction: tf.Tensor) {
  const kl = noKl(inputs.shape[0] as number);
  try {
    const { value } = constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } });
    const number = value.dataSync()[0] as number;
    value.dispose();
    return number;
  } finally {
    kl.dispose();
  }
}

describe('pNCC constraint', () => {
  it('equals kappa minus the mean NCC of whitened patches computed explicitly (odd sizes, overlap, 2 channels)', () => {
    const shape = [2, 7, 9, 2];
    const inputs = tf.randomUniform(shape, 0, 1, 'float32', 11);
    const reconstruction = tf.randomUniform(shape, 0, 1, 'float32', 12);
    const constraint = createPatchNccConstraint({ kappa: 0.3, patchSize: 4, stride: 2, epsilon: 1e-3 });
    const expected = referenceMeanNcc(inputs.dataSync() as Float32Array, reconstruction.dataSync() as Float32Array, shape, 4, 2, 1e-3);
    expect(evaluate(constraint, inputs, reconstruction)).toBeCloseTo(0.3 - expected, 5);
    // Back in kappa's units: the mean NCC itself.
    expect(constraint.toUnits!(evaluate(constraint, inputs, reconstruction))).toBeCloseTo(expected, 5);
    tf.dispose([inputs, reconstruction]);
  });

  it('is the plain NCC (Pearson correlation of the patches) when the variances dominate epsilon', () => {
    // One 2x2 patch, one channel: x = [0, 1, 2, 3], y = [0, 2, 1, 3]: centred x = [-1.5, -0.5, 0.5, 1.5],
    // centred y = [-1.5, 0.5, -0.5, 1.5]; <x, y> = 2.25 - 0.25 - 0.25 + 2.25 = 4, |x|^2 = |y|^2 = 5: NCC = 0.8.
    const inputs = tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]);
    const reconstruction = tf.tensor4d([0, 2, 1, 3], [1, 2, 2, 1]);
    const constraint = createPatchNccConstraint({ kappa: 0.9, patchSize: 2, epsilon: 1e-9 });
    expect(evaluate(constraint, inputs, reconstruction)).toBeCloseTo(0.9 - 0.8, 6);
    tf.dispose([inputs, reconstruction]);
  });

  it('gives 1 for a perfect or brightness/contrast-changed reconstruction, -1 for a negative, and handles flat patches', () => {
    const inputs = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 5);
    const constraint = createPatchNccConstraint({ kappa: 0, patchSize: 4, epsilon: 1e-9 });
    const rescaled = tf.add(tf.mul(inputs, 0.5), 0.2);
    const negative = tf.sub(1, inputs);
    expect(evaluate(constraint, inputs, inputs)).toBeCloseTo(-1, 4);
    expect(evaluate(constraint, inputs, rescaled)).toBeCloseTo(-1, 4);
    expect(evaluate(constraint, inputs, negative)).toBeCloseTo(1, 4);
    // Flat data and flat reconstruction (MNIST's background): NCC 1 whatever the two levels, never NaN.
    const flat = tf.zeros([1, 4, 4, 1]);
    const otherFlat = tf.fill([1, 4, 4, 1], 0.3);
    const withDefaults = createPatchNccConstraint({ kappa: 0, patchSize: 4 });
    expect(evaluate(withDefaults, flat, otherFlat)).toBeCloseTo(-1, 5);
    // Flat data, textured reconstruction (variance 0.25 >> eps 1e-4): NCC = sqrt(eps / (0.25 + eps)) ~ 0.02.
    const checkerboard = tf.tensor4d(Array.from({ length: 16 }, (_, index) => ((index + Math.floor(index / 4)) % 2 === 0 ? 1 : 0)), [1, 4, 4, 1]);
    expect(evaluate(withDefaults, flat, checkerboard)).toBeCloseTo(-Math.sqrt(1e-4 / (0.25 + 1e-4)), 5);
    tf.dispose([inputs, rescaled, negative, flat, otherFlat, checkerboard]);
  });

  it('is satisfied (C <= 0) exactly when the mean NCC reaches kappa', () => {
    const inputs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 21);
    const noisy = tf.add(inputs, tf.randomNormal([2, 8, 8, 1], 0, 0.2, 'float32', 22));
    const meanNcc = -evaluate(createPatchNccConstraint({ kappa: 0 }), inputs, noisy);
    expect(meanNcc).toBeGreaterThan(0.5);
    expect(evaluate(createPatchNccConstraint({ kappa: meanNcc - 0.01 }), inputs, noisy)).toBeLessThan(0);
    expect(evaluate(createPatchNccConstraint({ kappa: meanNcc + 0.01 }), inputs, noisy)).toBeGreaterThan(0);
    tf.dispose([inputs, noisy]);
  });

  it('has the gradient of its value w.r.t. the reconstruction (finite differences)', () => {
    const inputs = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 31);
    const point = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 32);
    const constraint = createPatchNccConstraint({ kappa: 0.2, patchSize: 3, stride: 2 });
    const kl = noKl(2);
    const before = tf.memory().numTensors;
    const { analytic, numeric } = gradientCheck(
      (reconstruction) => constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } }).value,
      point,
      [0, 7, 20, 41, 55, 71, 100, 143],
    );
    expect(tf.memory().numTensors).toBe(before);
    analytic.forEach((gradient, index) => expect(gradient).toBeCloseTo(numeric[index] as number, 3));
    expect(analytic.some((gradient) => Math.abs(gradient) > 1e-3)).toBe(true);
    tf.dispose([inputs, point, kl]);
  });

  it('rejects kappa outside [-1, 1], naming the plugin and the parameter', () => {
    expect(() => createPatchNccConstraint({ kappa: 1.5 })).toThrow(
      /Invalid config for plugin '@tame\/constraints\/pncc': kappa: kappa is a correlation in \[-1, 1\], got 1\.5/,
    );
    expect(() => createPatchNccConstraint({ kappa: -2 })).toThrow(/pncc.*kappa: kappa is a correlation in \[-1, 1\], got -2/);
    expect(() => createPatchNccConstraint({ kappa: 0.5, patchSize: 1 })).toThrow(/pncc.*patchSize/);
  });

  it('names itself and the problem on a shape mismatch, a too large patch, non-images and NaN inputs', () => {
    const constraint = createPatchNccConstraint({ kappa: 0.5, name: 'ncc', patchSize: 4 });
    const inputs = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 3);
    const wrong = tf.zeros([2, 6, 5, 1]);
    expect(() => evaluate(constraint, inputs, wrong)).toThrow(
      /constraint 'ncc' \(@tame\/constraints\/pncc\) reconstruction: shape \[2,6,5,1\] does not match the data shape \[2,6,6,1\]/,
    );
    const small = tf.zeros([2, 3, 3, 1]);
    expect(() => evaluate(constraint, small, small)).toThrow(/pncc\) patchSize: 4 is larger than the 3x3 images/);
    const flat = tf.zeros([2, 36]);
    expect(() => evaluate(constraint, flat, flat)).toThrow(/pncc\) data: needs images \[batch, height, width, channels\], got shape \[2,36\]/);
    const poisoned = tf.tensor4d(Array.from({ length: 72 }, (_, index) => (index === 40 ? Number.NaN : 0.5)), [2, 6, 6, 1]);
    const before = tf.memory().numTensors;
    expect(() => evaluate(constraint, inputs, poisoned)).toThrow(
      /constraint 'ncc' \(@tame\/constraints\/pncc\) reconstruction: contains a non-finite value \(NaN at flat index 40/,
    );
    expect(() => evaluate(constraint, poisoned, inputs)).toThrow(/pncc\) data: contains a non-finite value/);
    // evaluate() allocates one zero KL per call in this helper, disposed there: nothing else may remain.
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([inputs, wrong, small, flat, poisoned]);
  });

  it('keeps the tensor count flat across repeated evaluations', () => {
    const constraint = createPatchNccConstraint({ kappa: 0.5 });
    const inputs = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 8);
    evaluate(constraint, inputs, inputs);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) evaluate(constraint, inputs, inputs);
    expect(tf.memory().numTensors).toBe(before);
    inputs.dispose();
  });
});
