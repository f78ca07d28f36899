import * as tf from '@tensorflow/tfjs-core';
import type { BatchV1 } from '@tame/core';
import { describeConstraintPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { classificationAccuracyConstraint, createClassificationAccuracyConstraint } from './classification-accuracy-constraint.js';
import type { Classifier } from './classifier.js';
import { gradientCheck } from './testing/gradient-check.js';

/** Softmax regression on the flattened image, logits = x W: smooth, so finite differences are accurate. */
function linearClassifier(weights: tf.Tensor2D): Classifier {
  return {
    name: 'linear',
    classCount: weights.shape[1],
    logProbabilities: (images) =>
      tf.tidy(() => tf.logSoftmax(tf.matMul(tf.reshape(images, [images.shape[0] as number, -1]), weights)) as tf.Tensor2D),
  };
}

const conformanceWeights = tf.randomNormal([16, 3], 0, 1, 'float32', 4) as tf.Tensor2D;
describeConstraintPluginConformance(classificationAccuracyConstraint, {
  config: { kappa: 0.9, classifier: linearClassifier(conformanceWeights) },
  batch: () => ({ inputs: tf.randomUniform([4, 4, 4, 1], 0, 1, 'float32', 1), labels: tf.tensor1d([0, 2, 1, 2], 'int32') }),
  reconstruction: () => tf.randomUniform([4, 4, 4, 1], 0, 1, 'float32', 2),
});

function evaluate(constraint: ReturnType<typeof createClassificationAccuracyConstraint>, batch: BatchV1, reconstruction: tf.Tensor) {
  const kl = tf.zeros([reconstruction.shape[0] as number]) as tf.Tensor1D;
  try {
    const { value, measure } = constraint.evaluate({ batch, output: { reconstruction, kl } });
    const result = { value: value.dataSync()[0] as number, measure: measure?.dataSync()[0] };
    tf.dispose([value, measure].filter((tensor) => tensor !== undefined));
    return result;
  } finally {
    kl.dispose();
  }
}

describe('CLA constraint', () => {
  // Identity "classifier" over 2 pixels: logits = x. Reconstruction 1 = [ln 3, 0]: p = [3/4, 1/4];
  // reconstruction 2 = [0, ln 4]: p = [1/5, 4/5]. Both labelled 0: true-label probabilities 0.75 and 0.2,
  // accuracy 1/2, mean probability 0.475, mean log-probability (ln 0.75 + ln 0.2) / 2.
  const identity = tf.tensor2d([1, 0, 0, 1], [2, 2]);
  const inputs = tf.zeros([2, 2]);
  const reconstruction = tf.tensor2d([Math.log(3), 0, 0, Math.log(4)], [2, 2]);
  const labels = tf.tensor1d([0, 0], 'int32');
  const meanLogProbability = (Math.log(0.75) + Math.log(0.2)) / 2;

  it('by default: the log-probability surrogate drives the gradient, the accuracy the multiplier (by hand)', () => {
    const constraint = createClassificationAccuracyConstraint({ kappa: 0.6, classifier: linearClassifier(identity) });
    const { value, measure } = evaluate(constraint, { inputs, labels }, reconstruction);
    expect(value).toBeCloseTo(0.6 - 1 - meanLogProbability, 5);
    expect(measure).toBeCloseTo(0.6 - 0.5, 6);
    // toUnits gives the accuracy back; the surrogate upper-bounds kappa - mean probability (1 + log p <= p).
    expect(constraint.toUnits!(measure as number)).toBeCloseTo(0.5, 6);
    expect(value).toBeGreaterThanOrEqual(0.6 - 0.475);
    expect(constraint.units).toBe('accuracy of linear on reconstructions (fraction in [0, 1])');
  });

  it('measures the mean true-label probability (Table 1) and uses it as the surrogate when asked', () => {
    const probabilityMeasure = createClassificationAccuracyConstraint({ kappa: 0.6, classifier: linearClassifier(identity), measure: 'probability' });
    const first = evaluate(probabilityMeasure, { inputs, labels }, reconstruction);
    expect(first.value).toBeCloseTo(0.6 - 1 - meanLogProbability, 5);
    expect(first.measure).toBeCloseTo(0.6 - 0.475, 6);
    const tableOne = createClassificationAccuracyConstraint({ kappa: 0.6, classifier: linearClassifier(identity), measure: 'probability', surrogate: 'probability' });
    const second = evaluate(tableOne, { inputs, labels }, reconstruction);
    expect(second.value).toBeCloseTo(0.6 - 0.475, 6);
    // value is already the measure: no separate measure tensor.
    expect(second.measure).toBeUndefined();
    const accuracyOfProbability = createClassificationAccuracyConstraint({ kappa: 0.6, classifier: linearClassifier(identity), surrogate: 'probability' });
    expect(evaluate(accuracyOfProbability, { inputs, labels }, reconstruction)).toEqual({ value: expect.closeTo(0.125, 6), measure: expect.closeTo(0.1, 6) });
  });

  it('is satisfied exactly when the accuracy reaches kappa', () => {
    const classifier = linearClassifier(identity);
    // Accuracy 1/2: kappa 0.5 holds (C = 0), 0.51 does not.
    expect(evaluate(createClassificationAccuracyConstraint({ kappa: 0.5, classifier }), { inputs, labels }, reconstruction).measure).toBeLessThanOrEqual(0);
    expect(evaluate(createClassificationAccuracyConstraint({ kappa: 0.51, classifier }), { inputs, labels }, reconstruction).measure).toBeGreaterThan(0);
  });

  it('has the gradient of its value w.r.t. the reconstruction (finite differences), both surrogates', () => {
    const weights = tf.randomNormal([12, 4], 0, 1, 'float32', 7) as tf.Tensor2D;
    const data = tf.zeros([3, 12]);
    const point = tf.randomNormal([3, 12], 0, 1, 'float32', 8);
    const batchLabels = tf.tensor1d([1, 3, 0], 'int32');
    const kl = tf.zeros([3]) as tf.Tensor1D;
    for (const surrogate of ['log-probability', 'probability'] as const) {
      const constraint = createClassificationAccuracyConstraint({ kappa: 0.9, classifier: linearClassifier(weights), surrogate });
      const before = tf.memory().numTensors;
      const { analytic, numeric } = gradientCheck(
        (prediction) => {
          const { value, measure } = constraint.evaluate({ batch: { inputs: data, labels: batchLabels }, output: { reconstruction: prediction, kl } });
          measure?.dispose();
          return value;
        },
        point,
        [0, 5, 13, 22, 30, 35],
      );
      expect(tf.memory().numTensors).toBe(before);
      analytic.forEach((gradient, index) => expect(gradient).toBeCloseTo(numeric[index] as number, 3));
      expect(analytic.some((gradient) => Math.abs(gradient) > 1e-2)).toBe(true);
    }
    tf.dispose([weights, data, point, batchLabels, kl]);
  });

  it('rejects kappa outside [0, 1] and a missing classifier, naming the plugin and the parameter', () => {
    const classifier = linearClassifier(identity);
    expect(() => createClassificationAccuracyConstraint({ kappa: 1.5, classifier })).toThrow(
      /Invalid config for plugin '@tame\/constraints\/cla': kappa: kappa is an accuracy \/ probability in \[0, 1\], got 1\.5/,
    );
    expect(() => createClassificationAccuracyConstraint({ kappa: -0.1, classifier })).toThrow(/@tame\/constraints\/cla': kappa: .* got -0\.1/);
    expect(() => createClassificationAccuracyConstraint({ kappa: 0.9 } as never)).toThrow(/@tame\/constraints\/cla': classifier: expected a Classifier object/);
    expect(() => createClassificationAccuracyConstraint({ kappa: 0.9, classifier, measure: 'f1' as never })).toThrow(/cla': measure/);
  });

  it('needs labels in range, a fitting classifier output, a matching shape and finite reconstructions', () => {
    const constraint = createClassificationAccuracyConstraint({ kappa: 0.9, name: 'cla', classifier: linearClassifier(identity) });
    const before = tf.memory().numTensors;
    expect(() => evaluate(constraint, { inputs }, reconstruction)).toThrow(
      /constraint 'cla' \(@tame\/constraints\/cla\) batch\.labels: the batch has no labels; CLA needs a labelled dataset/,
    );
    const outOfRange = tf.tensor1d([0, 2], 'int32');
    expect(() => evaluate(constraint, { inputs, labels: outOfRange }, reconstruction)).toThrow(/cla\) labels: label 2 at index 1 is not a class id in \[0, 2\)/);
    const wrongCount = tf.tensor1d([0], 'int32');
    expect(() => evaluate(constraint, { inputs, labels: wrongCount }, reconstruction)).toThrow(/cla\) labels: shape \[1\] is not \[batch = 2\]/);
    const wrongShape = tf.zeros([2, 3]);
    expect(() => evaluate(constraint, { inputs, labels }, wrongShape)).toThrow(/cla\) reconstruction: shape \[2,3\] does not match the data shape \[2,2\]/);
    const threeClasses: Classifier = { ...linearClassifier(identity), classCount: 3 };
    const mismatched = createClassificationAccuracyConstraint({ kappa: 0.9, classifier: threeClasses });
    expect(() => evaluate(mismatched, { inputs, labels }, reconstruction)).toThrow(/cla\) classifier: linear returned shape \[2,2\], expected \[batch = 2, classes = 3\]/);
    const poisoned = tf.tensor2d([0, Number.NaN, 0, 0], [2, 2]);
    expect(() => evaluate(constraint, { inputs, labels }, poisoned)).toThrow(
      /constraint 'cla' \(@tame\/constraints\/cla\) reconstruction: contains a non-finite value \(NaN at flat index 1/,
    );
    tf.dispose([outOfRange, wrongCount, wrongShape, poisoned]);
    expect(tf.memory().numTensors).toBe(before);
    for (let round = 0; round < 3; round += 1) evaluate(constraint, { inputs, labels }, reconstruction);
    expect(tf.memory().numTensors).toBe(before);
  });
});
