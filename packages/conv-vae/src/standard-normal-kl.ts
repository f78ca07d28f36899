import * as tf from '@tensorflow/tfjs-core';

/**
 * KL(N(mean, exp(logVariance)) || N(0, I)) per example in nats, [batch]:
 * 0.5 Σ_j (mean_j² + σ_j² − log σ_j² − 1), for mean and logVariance [batch, latentSize].
 */
export function standardNormalKl(mean: tf.Tensor2D, logVariance: tf.Tensor2D): tf.Tensor1D {
  // The operation order is part of the reference model's numbers: keep it.
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVariance)), tf.add(logVariance, 1)), 1)) as tf.Tensor1D);
}
