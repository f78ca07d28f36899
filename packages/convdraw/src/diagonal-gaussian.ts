import * as tf from '@tensorflow/tfjs-core';
import { tfjsSeed } from '@tame/core';

/** Floor added to softplus so a scale never reaches 0 (sigma = softplus(rho) + 1e-4). */
export const minimumScale = 1e-4;

/** softplus^-1(1 - minimumScale): a raw-scale bias with this value starts the scale at exactly 1. */
export const unitScaleBias = Math.log(Math.expm1(1 - minimumScale));

export interface DiagonalGaussian {
  readonly mean: tf.Tensor;
  readonly scale: tf.Tensor;
}

/** Splits head statistics [..., 2*C] into a mean and a scale = softplus(rho) + 1e-4 (the last axis: [mean | rho]). */
export function diagonalGaussianFromStatistics(statistics: tf.Tensor): DiagonalGaussian {
  const [mean, raw] = tf.split(statistics, 2, statistics.rank - 1) as [tf.Tensor, tf.Tensor];
  return { mean, scale: tf.add(tf.softplus(raw), minimumScale) };
}

/** Reparameterised draw mean + scale * noise (noise ~ N(0, I), seeded). */
export function sampleDiagonalGaussian(distribution: DiagonalGaussian, seed: number): tf.Tensor {
  const noise = tf.randomNormal(distribution.mean.shape, 0, 1, 'float32', tfjsSeed(seed));
  return tf.add(distribution.mean, tf.mul(distribution.scale, noise));
}

/**
 * Elementwise KL(q || p) between diagonal Gaussians:
 * log sp - log sq + (sq^2 + (mq - mp)^2) / (2 sp^2) - 1/2. Sum it over every latent element for the total.
 */
export function diagonalGaussianKl(posterior: DiagonalGaussian, prior: DiagonalGaussian): tf.Tensor {
  return tf.tidy(() => {
    const varianceRatio = tf.square(tf.div(posterior.scale, prior.scale));
    const meanTerm = tf.square(tf.div(tf.sub(posterior.mean, prior.mean), prior.scale));
    // log sp - log sq = -0.5 log(varianceRatio); written this way for one log instead of two.
    return tf.mul(0.5, tf.sub(tf.add(varianceRatio, meanTerm), tf.add(tf.log(varianceRatio), 1)));
  });
}

/** Sums [B, ...] over every axis but the first: [B]. */
export function sumPerExample(values: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(values, [values.shape[0] as number, -1]), 1) as tf.Tensor1D;
}
