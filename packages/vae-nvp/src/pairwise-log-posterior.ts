import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';
import type { ConditionalFlow } from './conditional-flow.js';
import type { VaeNvpPosterior } from './conv-encoder.js';
import { diagonalGaussianLogDensity } from './gaussian-log-density.js';

export interface PairwiseLogPosteriorOptions {
  /**
   * Upper bound on the (latent, posterior) pairs pushed through the inverse flow at once; bounds memory to about
   * pairsPerChunk x the widest conditioner layer floats. Default 16384.
   */
  readonly pairsPerChunk?: number;
}

/**
 * log q(z_i | x_j) for every latent i under every posterior j, [M, N], by the inverse pass:
 * z_0 = f_1^-1 ∘ ... ∘ f_K^-1 (z_i; h_j), then log q(z_i | x_j) = log q_0(z_0 | x_j) - Σ_k log|det J_k|
 * (with the forward map's log-dets evaluated along the inverse path). Every coupling layer is
 * invertible in closed form, so this holds for any z, not only for the z the flow produced.
 */
export function pairwiseLogPosterior(
  flow: ConditionalFlow,
  latents: tf.Tensor2D,
  posterior: VaeNvpPosterior,
  options: PairwiseLogPosteriorOptions = {},
): tf.Tensor2D {
  const pairsPerChunk = options.pairsPerChunk ?? 16384;
  if (!Number.isInteger(pairsPerChunk) || pairsPerChunk < 1) {
    throw new InvalidArgumentError('pairsPerChunk', `must be a positive integer, got ${pairsPerChunk}`);
  }
  const [latentCount, latentSize] = latents.shape;
  const posteriorCount = posterior.mean.shape[0];
  if (posterior.mean.shape[1] !== latentSize) {
    throw new InvalidArgumentError('latents', `have ${latentSize} coordinates but the posteriors ${posterior.mean.shape[1]}`);
  }
  const rowsPerChunk = Math.max(1, Math.floor(pairsPerChunk / Math.max(1, posteriorCount)));
  return tf.tidy(() => {
    const projections = flow.projectContext(posterior.context);
    const chunks: tf.Tensor2D[] = [];
    for (let start = 0; start < latentCount; start += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, latentCount - start);
      chunks.push(
        tf.tidy(() => {
          // Pair (i, j) sits at row i * N + j: latent i repeated N times, posteriors tiled `rows` times.
          const chunk = tf.slice(latents, [start, 0], [rows, latentSize]);
          const repeated = tf.reshape(tf.tile(tf.reshape(chunk, [rows, 1, latentSize]), [1, posteriorCount, 1]), [rows * posteriorCount, latentSize]) as tf.Tensor2D;
          const tiled = (tensor: tf.Tensor2D) => tf.tile(tensor, [rows, 1]) as tf.Tensor2D;
          const { base, logDet } = flow.inverse(repeated, projections.map(tiled));
          const logBase = diagonalGaussianLogDensity(base, tiled(posterior.mean), tiled(posterior.logScale));
          return tf.reshape(tf.sub(logBase, logDet), [rows, posteriorCount]) as tf.Tensor2D;
        }),
      );
    }
    if (chunks.length === 0) return tf.zeros([0, posteriorCount]) as tf.Tensor2D;
    return (chunks.length === 1 ? chunks[0] : tf.concat(chunks, 0)) as tf.Tensor2D;
  });
}
