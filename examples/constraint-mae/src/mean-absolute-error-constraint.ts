import * as tf from '@tensorflow/tfjs-core';
import { type ConstraintV1, defineConstraintPlugin, InvalidArgumentError, parsePluginConfig } from '@tame/core';
import { z } from 'zod';

/** The npm package name: plugin ids are package names (plus '/variant' when a package exports several). */
export const meanAbsoluteErrorConstraintId = '@tame-example/constraint-mae';

export const meanAbsoluteErrorConfigSchema = z.strictObject({
  /** Tolerated mean absolute error per pixel, in data units (0.05 on [0, 1] images: off by 0.05 on average). */
  kappa: z.number({ error: 'kappa must be a number (a per-pixel mean absolute error > 0)' }).positive('kappa is a per-pixel mean absolute error and must be > 0').finite(),
  /** Name in logs and metrics (GECO logs `<name>.multiplier`, `<name>.movingAverage`). */
  name: z.string().regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits or "-"').default('mae'),
});

/** The config as a user writes it (name optional). */
export type MeanAbsoluteErrorConfig = z.input<typeof meanAbsoluteErrorConfigSchema>;

/**
 * C = mean_b sum_pixels |x - x_hat| - D kappa <= 0, D = values per example: satisfied exactly when the batch's mean
 * absolute error per pixel is at most kappa. The reduction is a per-example sum, like the KL (nats per example): GECO's
 * KL + lambda C is then the negative ELBO of a Laplace likelihood of scale b = 1 / lambda, up to a constant, as RE's
 * is a Gaussian one's.
 */
export function createMeanAbsoluteErrorConstraint(config: MeanAbsoluteErrorConfig): ConstraintV1 {
  // Factories called directly validate too: the same errors as through a registry.
  const { kappa, name } = parsePluginConfig({ id: meanAbsoluteErrorConstraintId, configSchema: meanAbsoluteErrorConfigSchema }, config);
  // D is known only once a batch was seen; until then toUnits and violationScale cannot answer.
  let dimensions: number | undefined;
  return {
    specificationVersion: 'v1',
    id: meanAbsoluteErrorConstraintId,
    name,
    kappa,
    units: 'per-pixel mean absolute error',
    toUnits: (value) => (dimensions === undefined ? Number.NaN : value / dimensions + kappa),
    // The per-example error budget D kappa: C / (D kappa) = MAE / kappa - 1, so 1 means twice the tolerated error.
    violationScale: () => (dimensions === undefined ? undefined : dimensions * kappa),
    evaluate({ batch, output }) {
      const data = batch.inputs;
      const reconstruction = output.reconstruction;
      if (data.shape.join(',') !== reconstruction.shape.join(',')) {
        throw new InvalidArgumentError(
          `constraint '${name}' (${meanAbsoluteErrorConstraintId}) reconstruction`,
          `shape [${reconstruction.shape}] does not match the data shape [${data.shape}]`,
        );
      }
      const batchSize = data.shape[0] as number;
      dimensions = data.size / batchSize;
      const perExampleBudget = dimensions * kappa;
      // tidy frees the intermediates; the returned scalar belongs to the caller (GECO disposes it).
      const value = tf.tidy(() => {
        const perExample = tf.sum(tf.reshape(tf.abs(tf.sub(data, reconstruction)), [batchSize, -1]), 1);
        return tf.sub(tf.mean(perExample), perExampleBudget) as tf.Scalar;
      });
      return { value };
    },
    // Holds no tensor or variable.
    dispose() {},
  };
}

/** The plugin: what a registry maps from '@tame-example/constraint-mae' in a JSON experiment config. */
export const meanAbsoluteErrorConstraint = defineConstraintPlugin({
  id: meanAbsoluteErrorConstraintId,
  configSchema: meanAbsoluteErrorConfigSchema,
  create: createMeanAbsoluteErrorConstraint,
});
