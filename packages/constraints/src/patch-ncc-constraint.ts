import * as tf from '@tensorflow/tfjs-core';
import { type ConstraintV1, defineConstraintPlugin, InvalidArgumentError, parsePluginConfig } from '@tame/core';
import { z } from 'zod';
import { assertFiniteValue, assertSameShape, constraintLabel } from './constraint-checks.js';

const id = '@tame/constraints/pncc';

const correlation = z
  .number({ error: 'kappa must be a number: a correlation in [-1, 1]' })
  .min(-1, { error: (issue) => `kappa is a correlation in [-1, 1], got ${String(issue.input)}` })
  .max(1, { error: (issue) => `kappa is a correlation in [-1, 1], got ${String(issue.input)}` });

export const patchNccConfigSchema = z.object({
  /** Smallest acceptable mean patch NCC, a correlation in [-1, 1] (smaller = weaker constraint). */
  kappa: correlation,
  /** Name in logs and metrics. */
  name: z.string().regex(/^[a-z0-9-]+$/).default('pncc'),
  /** Side k of the square k x k patches, in pixels (a patch spans all channels). */
  patchSize: z.number().int().min(2, 'patchSize must be >= 2 (a 1x1 patch has no structure)').default(8),
  /** Step between patch origins in pixels; null = patchSize / 2 rounded up (half-overlapping patches). */
  stride: z.number().int().positive().nullable().default(null),
  /**
   * Variance floor in squared data units (default 1e-4: a standard deviation of 0.01 on [0, 1] data). Patches
   * with a pixel variance well below it count as flat: two flat patches correlate 1, a flat and a textured one
   * about 0, and two textured ones by their ordinary NCC. Keeps the gradient finite on MNIST's empty background.
   */
  epsilon: z.number().positive().finite().default(1e-4),
});
export type PatchNccConfig = z.input<typeof patchNccConfigSchema>;

/**
 * pNCC constraint of Table 1: C = kappa - mean_{b,p} <W(x, p), W(g(z), p)> <= 0, where W(x, p) is the k x k patch
 * of x at p, whitened (zero mean, unit norm). Computed from patch moments, per patch of n = k k C values:
 *   NCC = (cov + eps) / sqrt((var_x + eps)(var_y + eps)),  cov, var = (1/n) sums of centred products,
 * which is exactly the cosine between the centred patches each extended by one constant component sqrt(n eps):
 * the plain NCC when the variances dominate eps, 1 for two flat patches, always in [-1, 1] (Cauchy-Schwarz).
 * Patches that would cross the border ('valid') are left out. Invariant to each patch's brightness and contrast.
 */
export function createPatchNccConstraint(config: PatchNccConfig): ConstraintV1 {
  const { kappa, name, patchSize, epsilon, ...rest } = parsePluginConfig({ id, configSchema: patchNccConfigSchema }, config);
  const stride = rest.stride ?? Math.ceil(patchSize / 2);
  const label = constraintLabel(name, id);
  return {
    specificationVersion: 'v1',
    id,
    name,
    kappa,
    units: `mean NCC of ${patchSize}x${patchSize} patches (stride ${stride}), in [-1, 1]`,
    toUnits: (value) => kappa - value,
    // The tolerated shortfall 1 - kappa (floored for kappa ~ 1): C / (1 - kappa) = shortfall / allowed shortfall - 1.
    violationScale: () => Math.max(1 - kappa, 1e-3),
    evaluate({ batch, output }) {
      const data = batch.inputs;
      const reconstruction = output.reconstruction;
      assertSameShape(label, data, reconstruction);
      if (data.rank !== 4) {
        throw new InvalidArgumentError(`${label} data`, `needs images [batch, height, width, channels], got shape [${data.shape}]`);
      }
      const [, height, width] = data.shape as [number, number, number, number];
      if (height < patchSize || width < patchSize) {
        throw new InvalidArgumentError(`${label} patchSize`, `${patchSize} is larger than the ${height}x${width} images; use a patchSize <= ${Math.min(height, width)}`);
      }
      const value = tf.tidy(() => {
        // Patch covariances are invariant to adding one constant to all of x (and another to all of y): centring
        // each image on its own mean first keeps E[xy] - E[x]E[y] away from float32 cancellation on bright
        // patches. (One constant per image, not per channel: a patch spans the channels.)
        const x = tf.sub(data, tf.mean(data, [1, 2, 3], true)) as tf.Tensor4D;
        const y = tf.sub(reconstruction, tf.mean(reconstruction, [1, 2, 3], true)) as tf.Tensor4D;
        // Patch means over the k x k x C values: average pooling per channel, then the mean over channels.
        const patchMean = (image: tf.Tensor4D) => tf.mean(tf.avgPool(image, patchSize, stride, 'valid'), 3);
        const meanX = patchMean(x);
        const meanY = patchMean(y);
        const varianceX = tf.relu(tf.sub(patchMean(tf.square(x) as tf.Tensor4D), tf.square(meanX)));
        const varianceY = tf.relu(tf.sub(patchMean(tf.square(y) as tf.Tensor4D), tf.square(meanY)));
        const covariance = tf.sub(patchMean(tf.mul(x, y) as tf.Tensor4D), tf.mul(meanX, meanY));
        const ncc = tf.div(tf.add(covariance, epsilon), tf.sqrt(tf.mul(tf.add(varianceX, epsilon), tf.add(varianceY, epsilon))));
        return tf.sub(kappa, tf.mean(ncc)) as tf.Scalar;
      });
      assertFiniteValue(label, value, { data, reconstruction });
      return { value };
    },
    dispose() {},
  };
}

export const patchNccConstraint = defineConstraintPlugin({
  id,
  configSchema: patchNccConfigSchema,
  create: createPatchNccConstraint,
});
