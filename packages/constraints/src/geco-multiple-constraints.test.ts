import * as tf from '@tensorflow/tfjs-core';
import { type BatchV1, type ConstraintV1, createGecoObjective, type ModelOutputV1, type TrainingObjective } from '@tame/core';
import { describe, expect, it } from 'vitest';
import { createClassificationAccuracyConstraint } from './classification-accuracy-constraint.js';
import type { Classifier } from './classifier.js';
import { createFeatureReconstructionErrorConstraint } from './feature-reconstruction-error-constraint.js';
import { createPatchNccConstraint } from './patch-ncc-constraint.js';
import { createReconstructionErrorConstraint } from './reconstruction-error-constraint.js';

/** One GECO step with the reconstruction itself as the trained variable; returns the metrics read back. */
function step(objective: TrainingObjective, batch: BatchV1, weight: tf.Variable, index: number) {
  const kept: Record<string, tf.Tensor> = {};
  const { value, grads } = tf.variableGrads(() => {
    const output: ModelOutputV1 = { reconstruction: weight, kl: tf.mul(tf.sum(tf.square(tf.reshape(weight, [weight.shape[0] as number, -1])), 1), 0.01) as tf.Tensor1D };
    const { loss, metrics } = objective.computeLoss({ batch, output, step: index });
    for (const [name, metric] of Object.entries(metrics)) kept[name] = tf.keep(metric);
    return loss;
  }, [weight]);
  tf.tidy(() => weight.assign(tf.sub(weight, tf.mul(0.01, grads[weight.name] as tf.Tensor))));
  const metrics = Object.fromEntries(Object.entries(kept).map(([name, tensor]) => [name, tensor.dataSync()[0] as number]));
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads), ...Object.values(kept)]);
  return { loss, metrics, logged: objective.afterStep({ step: index, metrics }) };
}

function valueOf(constraint: ConstraintV1, batch: BatchV1, reconstruction: tf.Tensor) {
  const kl = tf.zeros([reconstruction.shape[0] as number]) as tf.Tensor1D;
  const { value, measure } = constraint.evaluate({ batch, output: { reconstruction, kl } });
  const result = { value: value.dataSync()[0] as number, measure: (measure ?? value).dataSync()[0] as number };
  tf.dispose([value, measure, kl].filter((tensor) => tensor !== undefined));
  return result;
}

describe('GECO with several constraints from this package', () => {
  for (const [label, second] of [
    ['RE + pNCC', () => createPatchNccConstraint({ kappa: -1, patchSize: 4 })],
    ['RE + FRE', () => createFeatureReconstructionErrorConstraint({ kappa: 1, features: { patchSize: 4 } })],
  ] as const) {
    it(`${label}: each constraint gets its own metrics and multiplier, moving in its own direction`, () => {
      const inputs = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1);
      const weight = tf.variable(tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 2), true, `geco-${label}`);
      // RE with kappa 0.01 is violated by a random reconstruction; pNCC >= -1 and FRE <= 1 hold.
      const re = createReconstructionErrorConstraint({ kappa: 0.01 });
      const other = second();
      const objective = createGecoObjective({ constraints: [re, other], controller: { kind: 'algorithm-1', learningRate: 0.05 } });
      const batch = { inputs };
      const expectedRe = valueOf(re, batch, weight).value;
      const expectedOther = valueOf(other, batch, weight).value;
      const meanKl = (0.01 * Array.from(weight.dataSync()).reduce((sum, value) => sum + value * value, 0)) / 2;
      const first = step(objective, batch, weight, 0);
      expect(Object.keys(first.metrics).sort()).toEqual(
        [`${other.name}.movingAverage`, `${other.name}.value`, 're.movingAverage', 're.value'].sort(),
      );
      expect(first.metrics['re.value']).toBeCloseTo(expectedRe, 4);
      expect(first.metrics[`${other.name}.value`]).toBeCloseTo(expectedOther, 4);
      // Step 0: moving averages equal the batch values, lambdas start at 1: L = mean KL + C_re + C_other.
      expect(first.loss).toBeCloseTo(meanKl + expectedRe + expectedOther, 3);
      expect(first.logged).toHaveProperty('re.multiplier');
      expect(first.logged).toHaveProperty(`${other.name}.multiplier`);
      expect(first.logged['re.multiplier']).toBeGreaterThan(1);
      expect(first.logged[`${other.name}.multiplier`]).toBeLessThan(1);
      const later = step(objective, batch, weight, 1);
      expect(later.logged['re.multiplier']).toBeGreaterThan(first.logged['re.multiplier'] as number);
      expect(later.logged[`${other.name}.multiplier`]).toBeLessThan(first.logged[`${other.name}.multiplier`] as number);
      // The saved state has one entry per constraint.
      expect(Object.keys((objective.getState() as { constraints: object }).constraints).sort()).toEqual([other.name, 're'].sort());
      tf.dispose([inputs, weight]);
    });
  }

  it('RE + CLA: the accuracy drives the moving average and multiplier, the surrogate the gradient', () => {
    // Two "pixels" per image, identity classifier: logits = reconstruction.
    const classifier: Classifier = {
      name: 'identity',
      classCount: 2,
      logProbabilities: (images) => tf.tidy(() => tf.logSoftmax(tf.reshape(images, [images.shape[0] as number, 2])) as tf.Tensor2D),
    };
    const inputs = tf.tensor2d([2, 0, 0, 2], [2, 2]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const weight = tf.variable(tf.tensor2d([1, 0, 1, 0], [2, 2]), true, 'geco-cla');
    const cla = createClassificationAccuracyConstraint({ kappa: 0.9, classifier });
    const re = createReconstructionErrorConstraint({ kappa: 1 });
    const objective = createGecoObjective({ constraints: [re, cla] });
    const batch = { inputs, labels };
    const { value: surrogate, measure } = valueOf(cla, batch, weight);
    // Image 1 is classified 0 (correct), image 2 also 0 (wrong): accuracy 1/2.
    expect(measure).toBeCloseTo(0.9 - 0.5, 6);
    // Gradient of the GECO loss at step 0 (lambdas 1) vs the sum of the surrogate's and RE's own gradients:
    // the accuracy (not differentiable) must contribute nothing, the surrogate everything.
    const kl = tf.zeros([2]) as tf.Tensor1D;
    const gecoGradient = tf.grad((reconstruction: tf.Tensor) => {
      const { loss, metrics } = objective.computeLoss({ batch, output: { reconstruction, kl }, step: 0 });
      tf.dispose(Object.values(metrics));
      return loss;
    })(weight);
    const ownGradient = tf.grad((reconstruction: tf.Tensor) => {
      const claValue = cla.evaluate({ batch, output: { reconstruction, kl } });
      claValue.measure?.dispose();
      return tf.add(claValue.value, re.evaluate({ batch, output: { reconstruction, kl } }).value) as tf.Scalar;
    })(weight);
    Array.from(gecoGradient.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(ownGradient.dataSync()[index] as number, 5));
    tf.dispose([gecoGradient, ownGradient, kl]);
    const before = tf.memory().numTensors;
    const first = step(objective, batch, weight, 0);
    expect(tf.memory().numTensors).toBe(before);
    expect(first.metrics['cla.value']).toBeCloseTo(measure, 6);
    expect(first.metrics['cla.movingAverage']).toBeCloseTo(measure, 6);
    expect(first.metrics['cla.value']).not.toBeCloseTo(surrogate, 3);
    expect(first.logged['cla.multiplier']).toBeCloseTo(Math.exp(0.01 * measure), 9);
    tf.dispose([inputs, labels, weight]);
  });
});
