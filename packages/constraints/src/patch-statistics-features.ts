import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import { z } from 'zod';
import type { FeatureExtractor } from './feature-extractor.js';

export const patchStatisticsOptionsSchema = z.object({
  type: z.literal('patch-statistics').default('patch-statistics'),
  /** Side k of the square k x k patches, in pixels. */
  patchSize: z.number().int().positive().default(4),
  /** Step between patch origins in pixels; null = patchSize (non-overlapping patches). */
  stride: z.number().int().positive().nullable().default(null),
  /**
   * Added to the patch variance before the square root, in squared data units: sqrt is not differentiable at 0,
   * and flat patches (MNIST's background) have variance 0. 1e-6 = a standard deviation of 1e-3 data units.
   */
  epsilon: z.number().positive().finite().default(1e-6),
});
export type PatchStatisticsOptions = z.input<typeof patchStatisticsOptionsSchema>;

/**
 * Local image statistics as features (Table 1's FRE alternative to a classifier): for every k x k patch
 * (stride s, 'valid': patches that would cross the border are left out) and every channel c, the patch mean
 * mu = mean(x_patch,c) and standard deviation sqrt(var + epsilon), var = mean(x^2) - mu^2.
 * Output [batch, patchesDown, patchesAcross, 2 C]: the C means, then the C standard deviations.
 */
export function createPatchStatisticsFeatures(options: PatchStatisticsOptions = {}): FeatureExtractor {
  const parsed = patchStatisticsOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError(`patch statistics ${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
  }
  const { patchSize, epsilon } = parsed.data;
  const stride = parsed.data.stride ?? patchSize;
  const name = `patch-statistics(${patchSize}x${patchSize}/${stride})`;
  return {
    name,
    extract(images) {
      if (images.rank !== 4) {
        throw new InvalidArgumentError(`feature extractor '${name}' input`, `needs images [batch, height, width, channels], got shape [${images.shape}]`);
      }
      const [, height, width] = images.shape as [number, number, number, number];
      if (height < patchSize || width < patchSize) {
        throw new InvalidArgumentError(
          `feature extractor '${name}' patchSize`,
          `${patchSize} is larger than the ${height}x${width} images; use a patchSize <= ${Math.min(height, width)}`,
        );
      }
      return tf.tidy(() => {
        const mean = tf.avgPool(images as tf.Tensor4D, patchSize, stride, 'valid');
        const meanOfSquares = tf.avgPool(tf.square(images) as tf.Tensor4D, patchSize, stride, 'valid');
        // E[x^2] - E[x]^2 can dip below 0 by rounding on flat patches; clamp before the square root.
        const variance = tf.relu(tf.sub(meanOfSquares, tf.square(mean)));
        return tf.concat([mean, tf.sqrt(tf.add(variance, epsilon))], 3);
      });
    },
  };
}
