import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset } from '@tame/core';
import { describeConstraintPluginConformance } from '@tame/core/test';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { describe, expect, it } from 'vitest';
import {
  createMnistClassificationAccuracyConstraint,
  createMnistFeatureReconstructionErrorConstraint,
  mnistClassificationAccuracyConstraint,
  mnistFeatureReconstructionErrorConstraint,
} from './mnist-constraint-plugins.js';
import { loadMnistClassifier } from './mnist-classifier-file.js';
import { evaluateClassifier } from './train-mnist-classifier.js';

describeConstraintPluginConformance(mnistClassificationAccuracyConstraint, {
  config: { kappa: 0.9 },
  batch: () => ({ inputs: tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1), labels: tf.tensor1d([3, 1, 4, 1], 'int32') }),
  reconstruction: () => tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 2),
});

describeConstraintPluginConformance(mnistFeatureReconstructionErrorConstraint, {
  config: { kappa: 0.5 },
  batch: () => ({ inputs: tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1) }),
  reconstruction: () => tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 2),
});

async function firstTestBatch(size: number) {
  const mnist = loadEmbeddedMnist();
  for await (const batch of mnist.batches({ split: 'test', batchSize: size, seed: 0, epoch: 0 })) {
    return { batch: batch as { inputs: tf.Tensor; labels: tf.Tensor } };
  }
  throw new Error('no test batch');
}

describe('MNIST-classifier constraints on real digits', () => {
  it('CLA measures kappa minus the accuracy of the shipped classifier; a blank reconstruction violates it', async () => {
    const { batch } = await firstTestBatch(100);
    const constraint = createMnistClassificationAccuracyConstraint({ kappa: 0.9 });
    expect(constraint.id).toBe('@tame/constraints/cla-mnist');
    // Second computation of the accuracy: the evaluator over an in-memory dataset of these 100 digits.
    const classifier = loadMnistClassifier();
    const hundred = createArrayDataset({ train: batch.inputs.dataSync() as Float32Array, trainLabels: batch.labels.dataSync() as Int32Array, shape: [28, 28, 1] });
    const { accuracy } = await evaluateClassifier(classifier, hundred, { split: 'train' });
    classifier.dispose();
    const kl = tf.zeros([100]) as tf.Tensor1D;
    const perfect = constraint.evaluate({ batch, output: { reconstruction: batch.inputs, kl } });
    expect(perfect.measure!.dataSync()[0]).toBeCloseTo(0.9 - accuracy, 6);
    expect(accuracy).toBeGreaterThan(0.9);
    const blank = tf.zerosLike(batch.inputs);
    const empty = constraint.evaluate({ batch, output: { reconstruction: blank, kl } });
    expect(empty.measure!.dataSync()[0]).toBeGreaterThan(0.5);
    expect(empty.value.dataSync()[0]).toBeGreaterThan(perfect.value.dataSync()[0] as number);
    tf.dispose([perfect.value, perfect.measure!, empty.value, empty.measure!, blank, kl, batch.inputs, batch.labels]);
    constraint.dispose();
  });

  it('FRE on the penultimate layer is -F kappa^2 for a perfect reconstruction and grows with blur', async () => {
    const { batch } = await firstTestBatch(16);
    const constraint = createMnistFeatureReconstructionErrorConstraint({ kappa: 0.5 });
    expect(constraint.units).toBe('per-feature RMSE of mnist-classifier penultimate layer');
    const kl = tf.zeros([16]) as tf.Tensor1D;
    const exact = constraint.evaluate({ batch: { inputs: batch.inputs }, output: { reconstruction: batch.inputs, kl } }).value;
    expect(exact.dataSync()[0]).toBeCloseTo(-64 * 0.25, 4);
    const blurred = tf.avgPool(batch.inputs as tf.Tensor4D, 3, 1, 'same');
    const blurredValue = constraint.evaluate({ batch: { inputs: batch.inputs }, output: { reconstruction: blurred, kl } }).value;
    expect(constraint.toUnits!(blurredValue.dataSync()[0] as number)).toBeGreaterThan(0);
    expect(blurredValue.dataSync()[0]).toBeGreaterThan(exact.dataSync()[0] as number);
    tf.dispose([exact, blurred, blurredValue, kl, batch.inputs, batch.labels]);
    constraint.dispose();
  });

  it('validate their JSON config and free the classifier they loaded', () => {
    expect(() => createMnistClassificationAccuracyConstraint({ kappa: 2 })).toThrow(/Invalid config for plugin '@tame\/constraints\/cla-mnist': kappa: .*\[0, 1\], got 2/);
    expect(() => createMnistFeatureReconstructionErrorConstraint({ kappa: 0.5, weights: '/nonexistent/classifier.tameckpt' })).toThrow(
      /Checkpoint \/nonexistent\/classifier\.tameckpt: cannot be read/,
    );
    const before = tf.memory().numTensors;
    const constraint = createMnistClassificationAccuracyConstraint({ kappa: 0.5 });
    expect(tf.memory().numTensors).toBe(before + 8);
    constraint.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
