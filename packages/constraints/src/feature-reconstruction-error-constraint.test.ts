import * as tfjs from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { describeConstraintPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { createModelFeatureExtractor, type FeatureExtractor } from './feature-extractor.js';
import {
  createFeatureReconstructionErrorConstraint,
  featureReconstructionErrorConstraint,
} from './feature-reconstruction-error-constraint.js';
import { createPatchStatisticsFeatures } from './patch-statistics-features.js';
import { gradientCheck } from './testing/gradient-check.js';

describeConstraintPluginConformance(featureReconstructionErrorConstraint, {
  config: { kappa: 0.05 },
  batch: () => ({ inputs: tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 1) }),
  reconstruction: () => tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 2),
});

/** f(x) = 2 x, flattened: a feature map whose FRE is easy to compute by hand. */
const doubled: FeatureExtractor = {
  name: 'doubled pixels',
  extract: (images) => tf.tidy(() => tf.mul(2, tf.reshape(images, [images.shape[0] as number, -1]))),
};

function evaluate(constraint: ReturnType<typeof createFeatureReconstructionErrorConstraint>, inputs: tf.Tensor, reconstruction: tf.Tensor) {
  const kl = tf.zeros([inputs.shape[0] as number]) as tf.Tensor1D;
  try {
    const { value } = constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } });
    const number = value.dataSync()[0] as number;
    value.dispose();
    return number;
  } finally {
    kl.dispose();
  }
}

/** A small conv net built with the union package, as a user would: conv (the feature layer) -> dense. */
function smallLayersModel() {
  const model = tfjs.sequential({
    layers: [
      tfjs.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, strides: 2, activation: 'tanh', name: 'features', kernelInitializer: tfjs.initializers.glorotNormal({ seed: 3 }) }),
      tfjs.layers.flatten(),
      tfjs.layers.dense({ units: 4, name: 'head', kernelInitializer: tfjs.initializers.glorotNormal({ seed: 4 }) }),
    ],
  });
  const truncated = tfjs.model({ inputs: model.inputs, outputs: model.getLayer('features').output as tfjs.SymbolicTensor });
  return { model, truncated };
}

describe('FRE constraint', () => {
  it('equals the per-image sum of squared feature differences minus F kappa^2, computed by hand', () => {
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.5, name: 'fre', features: doubled });
    const inputs = tf.tensor2d([0, 1, 1, 1], [2, 2]);
    const reconstruction = tf.tensor2d([0.5, 1, 0, 0], [2, 2]);
    // image 1: (2 * 0.5)^2 = 1; image 2: 2^2 + 2^2 = 8; mean 4.5; F = 2 features: minus 2 * 0.25.
    const value = evaluate(constraint, inputs, reconstruction);
    expect(value).toBeCloseTo(4.5 - 0.5, 6);
    // Back in kappa's units: the RMSE over the 4 features of the batch, sqrt((1 + 0 + 4 + 4) / 4).
    expect(constraint.toUnits!(value)).toBeCloseTo(1.5, 6);
    expect(constraint.units).toBe('per-feature RMSE of doubled pixels');
    tf.dispose([inputs, reconstruction]);
  });

  it('with patch statistics, equals the squared differences of patch means and standard deviations', () => {
    // 1 image 2x2, 1 channel, one 2x2 patch: data mean 0.5, variance 0.25; reconstruction flat 0.25.
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: { patchSize: 2, epsilon: 1e-6 } });
    const inputs = tf.tensor4d([0, 1, 1, 0], [1, 2, 2, 1]);
    const reconstruction = tf.fill([1, 2, 2, 1], 0.25);
    const expected = (0.5 - 0.25) ** 2 + (Math.sqrt(0.25 + 1e-6) - Math.sqrt(1e-6)) ** 2 - 2 * 0.01;
    expect(evaluate(constraint, inputs, reconstruction)).toBeCloseTo(expected, 5);
    expect(constraint.units).toBe('per-feature RMSE of patch-statistics(2x2/2)');
    tf.dispose([inputs, reconstruction]);
  });

  it('is satisfied exactly when the per-feature RMSE is at most kappa', () => {
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: doubled });
    const inputs = tf.zeros([4, 10]);
    // Features differ by 2 * offset: RMSE 0.098 and 0.102.
    for (const [offset, satisfied] of [[0.049, true], [0.051, false]] as const) {
      const reconstruction = tf.fill([4, 10], offset);
      expect(evaluate(constraint, inputs, reconstruction) <= 0).toBe(satisfied);
      reconstruction.dispose();
    }
    inputs.dispose();
  });

  it('has the gradient of its value w.r.t. the reconstruction (finite differences), patch statistics', () => {
    const inputs = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 7);
    const point = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 8);
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.05, features: { patchSize: 3, stride: 2 } });
    const kl = tf.zeros([2]) as tf.Tensor1D;
    const { analytic, numeric } = gradientCheck(
      (reconstruction) => constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } }).value,
      point,
      [0, 5, 17, 40, 66, 99, 130],
    );
    analytic.forEach((gradient, index) => expect(gradient).toBeCloseTo(numeric[index] as number, 2));
    expect(analytic.some((gradient) => Math.abs(gradient) > 1e-2)).toBe(true);
    tf.dispose([inputs, point, kl]);
  });

  it('uses any tfjs LayersModel truncated at a layer as features, with its gradient', () => {
    const { model, truncated } = smallLayersModel();
    const extractor = createModelFeatureExtractor(truncated, { name: 'conv features' });
    expect(extractor.inputShape).toEqual([6, 6, 1]);
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: extractor });
    const inputs = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 9);
    const point = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 10);
    // Second computation: predict both, squared differences in plain JS.
    const dataFeatures = truncated.predict(inputs) as tf.Tensor;
    const reconstructionFeatures = truncated.predict(point) as tf.Tensor;
    expect(dataFeatures.shape).toEqual([2, 2, 2, 3]);
    const a = dataFeatures.dataSync();
    const b = reconstructionFeatures.dataSync();
    let sum = 0;
    a.forEach((value, index) => (sum += (value - (b[index] as number)) ** 2));
    expect(evaluate(constraint, inputs, point)).toBeCloseTo(sum / 2 - 12 * 0.01, 5);
    const kl = tf.zeros([2]) as tf.Tensor1D;
    const { analytic, numeric } = gradientCheck(
      (reconstruction) => constraint.evaluate({ batch: { inputs }, output: { reconstruction, kl } }).value,
      point,
      [0, 7, 14, 21, 35, 50, 71],
    );
    analytic.forEach((gradient, index) => expect(gradient).toBeCloseTo(numeric[index] as number, 2));
    expect(analytic.some((gradient) => Math.abs(gradient) > 1e-2)).toBe(true);
    tf.dispose([inputs, point, kl, dataFeatures, reconstructionFeatures]);
    model.dispose();
  });

  it('explains a feature model that does not fit the images or returns the wrong shape', () => {
    const { model, truncated } = smallLayersModel();
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: createModelFeatureExtractor(truncated, { name: 'conv' }) });
    const images = tf.zeros([2, 8, 8, 1]);
    const before = tf.memory().numTensors;
    expect(() => evaluate(constraint, images, images)).toThrow(
      /feature extractor 'conv' input: images of shape \[2,8,8,1\] do not fit the expected \[batch, 6, 6, 1\]/,
    );
    // A model that pools over the batch: one row for the whole batch.
    const pooled = { predict: (input: tf.Tensor) => tf.mean(tf.reshape(input, [input.shape[0] as number, -1]), 0, true) };
    const pooledConstraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: createModelFeatureExtractor(pooled, { name: 'pooled' }) });
    expect(() => evaluate(pooledConstraint, images, images)).toThrow(
      /feature extractor 'pooled' output: shape \[1,64\] is not \[batch = 2, \.\.\.\]/,
    );
    const twoHeads = { predict: (input: tf.Tensor) => [tf.clone(input), tf.clone(input)] };
    const twoHeadConstraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: createModelFeatureExtractor(twoHeads, { name: 'two' }) });
    expect(() => evaluate(twoHeadConstraint, images, images)).toThrow(/feature extractor 'two' output: the model returns several tensors/);
    const vector: FeatureExtractor = { name: 'vector', extract: (input) => tf.reshape(input, [-1]) };
    const vectorConstraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, name: 'vec', features: vector });
    expect(() => evaluate(vectorConstraint, images, images)).toThrow(
      /constraint 'vec' \(@tame\/constraints\/fre\) features: vector returned shape \[128\] for images \[2,8,8,1\]; it must return \[batch = 2, \.\.\.features\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(() => createModelFeatureExtractor({} as never)).toThrow(/feature model: needs a predict\(images\) method/);
    images.dispose();
    model.dispose();
  });

  it('rejects invalid kappa and features, naming the plugin and the parameter', () => {
    expect(() => createFeatureReconstructionErrorConstraint({ kappa: 0 })).toThrow(
      /Invalid config for plugin '@tame\/constraints\/fre': kappa: kappa is a per-feature RMSE and must be > 0/,
    );
    expect(() => createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: { patchSize: -1 } as never })).toThrow(
      /@tame\/constraints\/fre.*features/,
    );
    expect(() => createFeatureReconstructionErrorConstraint({ kappa: 0.1, features: 'vgg' as never })).toThrow(
      /@tame\/constraints\/fre.*features: expected \{ type: "patch-statistics"/,
    );
  });

  it('names itself on a shape mismatch and on NaN inputs, leaking nothing', () => {
    const constraint = createFeatureReconstructionErrorConstraint({ kappa: 0.1, name: 'fre', features: createPatchStatisticsFeatures({ patchSize: 2 }) });
    const inputs = tf.zeros([2, 4, 4, 1]);
    const wrong = tf.zeros([2, 4, 4, 3]);
    expect(() => evaluate(constraint, inputs, wrong)).toThrow(
      /constraint 'fre' \(@tame\/constraints\/fre\) reconstruction: shape \[2,4,4,3\] does not match the data shape \[2,4,4,1\]/,
    );
    const poisoned = tf.tensor4d(Array.from({ length: 32 }, (_, index) => (index === 5 ? Number.POSITIVE_INFINITY : 0)), [2, 4, 4, 1]);
    const before = tf.memory().numTensors;
    expect(() => evaluate(constraint, inputs, poisoned)).toThrow(
      /constraint 'fre' \(@tame\/constraints\/fre\) reconstruction: contains a non-finite value \(Infinity at flat index 5/,
    );
    expect(() => evaluate(constraint, poisoned, inputs)).toThrow(/fre\) data: contains a non-finite value/);
    expect(tf.memory().numTensors).toBe(before);
    evaluate(constraint, inputs, inputs);
    for (let round = 0; round < 3; round += 1) evaluate(constraint, inputs, inputs);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([inputs, wrong, poisoned]);
  });
});
