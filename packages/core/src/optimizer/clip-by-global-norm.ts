import * as tf from '@tensorflow/tfjs-core';

/** Global L2 norm of a list of gradients, sqrt(sum_i ||g_i||^2). The returned scalar belongs to the caller. */
export function globalNorm(gradients: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(gradients.map((gradient) => tf.sum(tf.square(gradient))))) as tf.Scalar);
}

/**
 * Scales every gradient by min(1, maxNorm / norm) so the global norm is at most `maxNorm` (Pascanu et al. 2013).
 * Returns new tensors owned by the caller; the inputs are left alone.
 */
export function clipByGlobalNorm(gradients: readonly tf.Tensor[], norm: number, maxNorm: number): tf.Tensor[] {
  const scale = norm > maxNorm ? maxNorm / norm : 1;
  return gradients.map((gradient) => tf.mul(gradient, scale));
}
