import * as tf from '@tensorflow/tfjs-core';
import { type ConstraintV1, defineConstraintPlugin, InvalidArgumentError, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import type { Classifier } from './classifier.js';
import { assertFiniteValue, assertSameShape, constraintLabel } from './constraint-checks.js';
import { readLabels } from './read-labels.js';

const id = '@tame/constraints/cla';

function isClassifier(value: unknown): value is Classifier {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Classifier).logProbabilities === 'function' &&
    Number.isInteger((value as Classifier).classCount) &&
    (value as Classifier).classCount >= 2
  );
}

const unitInterval = (what: string) =>
  z
    .number({ error: `kappa must be a number: ${what} in [0, 1]` })
    .min(0, { error: (issue) => `kappa is ${what} in [0, 1], got ${String(issue.input)}` })
    .max(1, { error: (issue) => `kappa is ${what} in [0, 1], got ${String(issue.input)}` });

export const classificationAccuracyConfigSchema = z.object({
  /** Smallest acceptable measure (accuracy or mean true-label probability, see `measure`), in [0, 1]. */
  kappa: unitInterval('an accuracy / probability'),
  /** Name in logs and metrics. */
  name: z.string().regex(/^[a-z0-9-]+$/).default('cla'),
  /** The frozen classifier c (e.g. `loadMnistClassifier()` from '@tame/constraints/node'); the constraint does not own it. */
  classifier: z.custom<Classifier>(isClassifier, {
    message: 'expected a Classifier object { name, classCount, logProbabilities(images) } (e.g. loadMnistClassifier())',
  }),
  /**
   * What drives the moving average and the multiplier: 'accuracy' (fraction of reconstructions classified as their
   * label, not differentiable) or 'probability' (mean probability of the true label, Table 1's y^T c(g(z))).
   */
  measure: z.enum(['accuracy', 'probability']).default('accuracy'),
  /**
   * What drives the model gradient: 'log-probability' (kappa - 1 - mean log p(y|g(z)), the cross-entropy shifted
   * into probability units; gradients do not vanish on confidently wrong reconstructions) or 'probability'
   * (kappa - mean p(y|g(z)), Table 1 as written).
   */
  surrogate: z.enum(['log-probability', 'probability']).default('log-probability'),
});
export type ClassificationAccuracyConfig = z.input<typeof classificationAccuracyConfigSchema>;

/**
 * CLA constraint of Table 1: C = kappa - y^T c(g(z)) <= 0, batch-averaged: the classifier must recognise the
 * reconstruction's true label. The measure (default: accuracy) goes to `measure`, which GECO's moving average and
 * multiplier update use; `value`, which only supplies the gradient, is a differentiable surrogate in the same
 * units. With the default 'log-probability' surrogate, value = kappa - (1 + mean log p): 1 + log p is the tangent
 * of p at p = 1 and lies below p, so the surrogate upper-bounds kappa - mean p (it never reports a violated
 * probability constraint as met) and its gradient is the cross-entropy's.
 */
export function createClassificationAccuracyConstraint(config: ClassificationAccuracyConfig): ConstraintV1 {
  const { kappa, name, classifier, measure, surrogate } = parsePluginConfig({ id, configSchema: classificationAccuracyConfigSchema }, config);
  const label = constraintLabel(name, id);
  return {
    specificationVersion: 'v1',
    id,
    name,
    kappa,
    units: measure === 'accuracy' ? `accuracy of ${classifier.name} on reconstructions (fraction in [0, 1])` : `mean probability ${classifier.name} gives the true label (in [0, 1])`,
    toUnits: (value) => kappa - value,
    // The tolerated shortfall 1 - kappa (floored for kappa ~ 1): C / (1 - kappa) = shortfall / allowed shortfall - 1.
    violationScale: () => Math.max(1 - kappa, 1e-3),
    evaluate({ batch, output }) {
      const reconstruction = output.reconstruction;
      assertSameShape(label, batch.inputs, reconstruction);
      if (batch.labels === undefined) {
        throw new InvalidArgumentError(
          `${label} batch.labels`,
          'the batch has no labels; CLA needs a labelled dataset (BatchV1.labels: integer class ids, [batch])',
        );
      }
      const batchSize = reconstruction.shape[0] as number;
      const classCount = classifier.classCount;
      const labels = readLabels(label, batch.labels, batchSize, classCount);
      const [value, trueLogProbability, predicted] = tf.tidy(() => {
        const logProbabilities = classifier.logProbabilities(reconstruction);
        if (logProbabilities.shape.join(',') !== `${batchSize},${classCount}`) {
          throw new InvalidArgumentError(
            `${label} classifier`,
            `${classifier.name} returned shape [${logProbabilities.shape}], expected [batch = ${batchSize}, classes = ${classCount}]`,
          );
        }
        const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classCount);
        const trueLog = tf.sum(tf.mul(logProbabilities, oneHot), 1);
        const surrogateValue =
          surrogate === 'log-probability' ? tf.sub(kappa - 1, tf.mean(trueLog)) : tf.sub(kappa, tf.mean(tf.exp(trueLog)));
        return [surrogateValue as tf.Scalar, trueLog, tf.argMax(logProbabilities, 1)];
      });
      // The measure is read back and returned as a fresh scalar, detached from the gradient tape: GECO's
      // straight-through passes a zero gradient into the moving average, and backpropagating that zero through
      // argMax / equal (which have no gradient in tfjs) would fail.
      const trueLogValues = trueLogProbability.dataSync();
      const predictedValues = predicted.dataSync();
      tf.dispose([trueLogProbability, predicted]);
      assertFiniteValue(label, value, { reconstruction });
      let meanProbability = 0;
      let correct = 0;
      labels.forEach((classId, index) => {
        meanProbability += Math.exp(trueLogValues[index] as number) / batchSize;
        if (predictedValues[index] === classId) correct += 1;
      });
      if (measure === 'probability' && surrogate === 'probability') return { value };
      return { value, measure: tf.scalar(kappa - (measure === 'accuracy' ? correct / batchSize : meanProbability)) };
    },
    dispose() {},
  };
}

export const classificationAccuracyConstraint = defineConstraintPlugin({
  id,
  configSchema: classificationAccuracyConfigSchema,
  create: createClassificationAccuracyConstraint,
});
