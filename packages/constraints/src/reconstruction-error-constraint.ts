import * as tf from '@tensorflow/tfjs-core';
import { type ConstraintV1, defineConstraintPlugin, InvalidArgumentError } from '@tame/core';
import { z } from 'zod';

export const reconstructionErrorConfigSchema = z.object({
  /** Tolerated per-pixel root-mean-square error, in data units (0.1 on [0, 1] images = RMSE 0.1 per pixel). */
  kappa: z.number().positive().finite(),
  /** Name in logs and metrics. */
  name: z.string().regex(/^[a-z0-9-]+$/).default('re'),
});
export type ReconstructionErrorConfig = z.output<typeof reconstructionErrorConfigSchema>;

/**
 * RE constraint of Table 1: C = ||x - g(z)||^2 - D kappa^2 <= 0, batch-averaged. kappa is a per-pixel RMSE; the
 * internal reduction is the per-image sum of squares (the same scale as a per-image KL in nats), so the multiplier
 * relates to a Gaussian likelihood by lambda = 1 / (2 sigma^2) and to a beta-VAE by beta = 1 / lambda, up to that
 * factor 2. C <= 0 exactly when the batch RMSE is <= kappa.
 */
export function createReconstructionErrorConstraint(config: ReconstructionErrorConfig): ConstraintV1 {
  const { kappa, name } = config;
  let dimensions: number | undefined;
  return {
    specificationVersion: 'v1',
    id: '@tame/constraints/re',
    name,
    kappa,
    units: 'per-pixel RMSE',
    toUnits: (value) => (dimensions === undefined ? Number.NaN : Math.sqrt(Math.max(0, value / dimensions + kappa * kappa))),
    evaluate({ batch, output }) {
      const data = batch.inputs;
      const reconstruction = output.reconstruction;
      if (data.shape.join(',') !== reconstruction.shape.join(',')) {
        throw new InvalidArgumentError(
          `constraint '${name}' (@tame/constraints/re) reconstruction`,
          `shape [${reconstruction.shape}] does not match the data shape [${data.shape}]`,
        );
      }
      dimensions = data.size / (data.shape[0] as number);
      const perImageLimit = (dimensions as number) * kappa * kappa;
      return {
        value: tf.tidy(() => {
          const flatError = tf.reshape(tf.squaredDifference(data, reconstruction), [data.shape[0] as number, -1]);
          return tf.sub(tf.mean(tf.sum(flatError, 1)), perImageLimit) as tf.Scalar;
        }),
      };
    },
    dispose() {},
  };
}

export const reconstructionErrorConstraint = defineConstraintPlugin({
  id: '@tame/constraints/re',
  configSchema: reconstructionErrorConfigSchema,
  create: createReconstructionErrorConstraint,
});
