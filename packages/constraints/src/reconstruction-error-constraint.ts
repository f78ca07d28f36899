import * as tf from '@tensorflow/tfjs-core';
import { type ConstraintV1, defineConstraintPlugin, InvalidArgumentError, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertFiniteValue, assertSameShape, constraintLabel } from './constraint-checks.js';

const id = '@tame/constraints/re';

export const reconstructionErrorConfigSchema = z.object({
  /** Tolerated per-pixel root-mean-square error, in data units (0.1 on [0, 1] images = RMSE 0.1 per pixel). */
  kappa: z.number({ error: 'kappa must be a number (a per-pixel RMSE > 0)' }).positive('kappa is a per-pixel RMSE and must be > 0').finite(),
  /** Name in logs and metrics. */
  name: z.string().regex(/^[a-z0-9-]+$/).default('re'),
  /**
   * Values per example (784 for MNIST). Optional: learned from the first batch otherwise. Give it when `toUnits` must
   * work before any batch was seen, e.g. to plot a finished run's metrics.
   */
  dimensions: z.number().int().positive().optional(),
});
export type ReconstructionErrorConfig = z.input<typeof reconstructionErrorConfigSchema>;

/**
 * RE constraint of Table 1: C = ||x - g(z)||^2 - D kappa^2 <= 0, batch-averaged. kappa is a per-pixel RMSE; the
 * internal reduction is the per-image sum of squares (the same scale as a per-image KL in nats), so the multiplier
 * relates to a Gaussian likelihood by lambda = 1 / (2 sigma^2) and to a beta-VAE by beta = 1 / lambda, up to that
 * factor 2. C <= 0 exactly when the batch RMSE is <= kappa.
 */
export function createReconstructionErrorConstraint(config: ReconstructionErrorConfig): ConstraintV1 {
  const parsed = parsePluginConfig({ id, configSchema: reconstructionErrorConfigSchema }, config);
  const { kappa, name } = parsed;
  const label = constraintLabel(name, id);
  let dimensions: number | undefined = parsed.dimensions;
  return {
    specificationVersion: 'v1',
    id,
    name,
    kappa,
    units: 'per-pixel RMSE',
    toUnits: (value) => (dimensions === undefined ? Number.NaN : Math.sqrt(Math.max(0, value / dimensions + kappa * kappa))),
    // The per-image error budget: C / (D kappa^2) = MSE / kappa^2 - 1.
    violationScale: () => (dimensions === undefined ? undefined : dimensions * kappa * kappa),
    evaluate({ batch, output }) {
      const data = batch.inputs;
      const reconstruction = output.reconstruction;
      assertSameShape(label, data, reconstruction);
      const batchDimensions = data.size / (data.shape[0] as number);
      if (parsed.dimensions !== undefined && batchDimensions !== parsed.dimensions) {
        throw new InvalidArgumentError(`${label} dimensions`, `the config says ${parsed.dimensions} values per example, the batch has ${batchDimensions}`);
      }
      dimensions = batchDimensions;
      const perImageLimit = (dimensions as number) * kappa * kappa;
      const value = tf.tidy(() => {
        const flatError = tf.reshape(tf.squaredDifference(data, reconstruction), [data.shape[0] as number, -1]);
        return tf.sub(tf.mean(tf.sum(flatError, 1)), perImageLimit) as tf.Scalar;
      });
      assertFiniteValue(label, value, { data, reconstruction });
      return { value };
    },
    dispose() {},
  };
}

export const reconstructionErrorConstraint = defineConstraintPlugin({
  id,
  configSchema: reconstructionErrorConfigSchema,
  create: createReconstructionErrorConstraint,
});
