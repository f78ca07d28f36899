import * as tf from '@tensorflow/tfjs-core';
import { type ConstraintV1, defineConstraintPlugin, InvalidArgumentError, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertFiniteValue, assertSameShape, constraintLabel } from './constraint-checks.js';
import type { FeatureExtractor } from './feature-extractor.js';
import { createPatchStatisticsFeatures, patchStatisticsOptionsSchema } from './patch-statistics-features.js';

const id = '@tame/constraints/fre';

function isFeatureExtractor(value: unknown): value is FeatureExtractor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FeatureExtractor).extract === 'function' &&
    typeof (value as FeatureExtractor).name === 'string'
  );
}

/** A FeatureExtractor object (runtime config, not JSON). Checked before the JSON alternatives of a union. */
export const featureExtractorSchema = z.custom<FeatureExtractor>(isFeatureExtractor, {
  message: 'expected a FeatureExtractor object { name, extract(images) }',
});

export const featureReconstructionErrorConfigSchema = z.object({
  /**
   * Tolerated per-feature root-mean-square error, in the units of the features: data units for patch statistics
   * (0.05 on [0, 1] images = patch means and standard deviations off by 0.05 on average), activation units for a
   * network's layer.
   */
  kappa: z.number({ error: 'kappa must be a number (a per-feature RMSE > 0)' }).positive('kappa is a per-feature RMSE and must be > 0').finite(),
  /** Name in logs and metrics. */
  name: z.string().regex(/^[a-z0-9-]+$/).default('fre'),
  /** The feature map f: built-in patch statistics (JSON) or any FeatureExtractor object. */
  features: z
    .union([featureExtractorSchema, patchStatisticsOptionsSchema], {
      error: 'expected { type: "patch-statistics", patchSize, stride, epsilon } or a FeatureExtractor object { name, extract(images) }',
    })
    .prefault({}),
});
export type FeatureReconstructionErrorConfig = z.input<typeof featureReconstructionErrorConfigSchema>;

/**
 * FRE constraint of Table 1: C = ||f(x) - f(g(z))||^2 - F kappa^2 <= 0, batch-averaged, with F the number of
 * features per image. As RE, the reduction is the per-image sum of squares (the scale of a per-image KL in nats)
 * and kappa a per-feature RMSE: C <= 0 exactly when the batch RMSE over features is <= kappa.
 * An extractor passed as an object is not disposed by the constraint (it does not own it).
 */
export function createFeatureReconstructionErrorConstraint(config: FeatureReconstructionErrorConfig): ConstraintV1 {
  const { kappa, name, features } = parsePluginConfig({ id, configSchema: featureReconstructionErrorConfigSchema }, config);
  const extractor = isFeatureExtractor(features) ? features : createPatchStatisticsFeatures(features);
  const label = constraintLabel(name, id);
  let featureCount: number | undefined;
  return {
    specificationVersion: 'v1',
    id,
    name,
    kappa,
    units: `per-feature RMSE of ${extractor.name}`,
    toUnits: (value) => (featureCount === undefined ? Number.NaN : Math.sqrt(Math.max(0, value / featureCount + kappa * kappa))),
    // The per-image feature error budget: C / (F kappa^2) = feature MSE / kappa^2 - 1.
    violationScale: () => (featureCount === undefined ? undefined : featureCount * kappa * kappa),
    evaluate({ batch, output }) {
      const data = batch.inputs;
      const reconstruction = output.reconstruction;
      assertSameShape(label, data, reconstruction);
      const batchSize = data.shape[0] as number;
      const value = tf.tidy(() => {
        const dataFeatures = extractor.extract(data);
        const reconstructionFeatures = extractor.extract(reconstruction);
        for (const features of [dataFeatures, reconstructionFeatures]) {
          if (features.rank < 2 || features.shape[0] !== batchSize || features.size === 0) {
            throw new InvalidArgumentError(
              `${label} features`,
              `${extractor.name} returned shape [${features.shape}] for images [${data.shape}]; it must return [batch = ${batchSize}, ...features]`,
            );
          }
        }
        if (dataFeatures.shape.join(',') !== reconstructionFeatures.shape.join(',')) {
          throw new InvalidArgumentError(
            `${label} features`,
            `${extractor.name} returned [${dataFeatures.shape}] for the data but [${reconstructionFeatures.shape}] for the reconstruction`,
          );
        }
        featureCount = dataFeatures.size / batchSize;
        const perImage = tf.sum(tf.reshape(tf.squaredDifference(dataFeatures, reconstructionFeatures), [batchSize, -1]), 1);
        return tf.sub(tf.mean(perImage), (featureCount as number) * kappa * kappa) as tf.Scalar;
      });
      assertFiniteValue(label, value, { data, reconstruction });
      return { value };
    },
    dispose() {},
  };
}

export const featureReconstructionErrorConstraint = defineConstraintPlugin({
  id,
  configSchema: featureReconstructionErrorConfigSchema,
  create: createFeatureReconstructionErrorConstraint,
});
