import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors/tame-error.js';

/**
 * log N(z_i; mu_j, diag(exp(logVariance_j))) for every pair (i, j): [M, N] from z [M, L], means and logVariances
 * [N, L]. Expanded into matrix products, so it costs two [M, L] x [L, N] matMuls rather than an [M, N, L] tensor.
 */
export function gaussianLogDensityMatrix(z: tf.Tensor2D, means: tf.Tensor2D, logVariances: tf.Tensor2D): tf.Tensor2D {
  if (z.shape[1] !== means.shape[1] || means.shape.join() !== logVariances.shape.join()) {
    throw new InvalidArgumentError('gaussianLogDensityMatrix', `shapes z [${z.shape}], means [${means.shape}], logVariances [${logVariances.shape}] do not fit`);
  }
  return tf.tidy(() => {
    const precision = tf.exp(tf.neg(logVariances));
    // sum_l (z_il - mu_jl)^2 / s_jl^2 = z^2 . prec^T - 2 z . (mu prec)^T + sum_l mu^2 prec
    const quadratic = tf.add(
      tf.sub(tf.matMul(tf.square(z), precision, false, true), tf.mul(2, tf.matMul(z, tf.mul(means, precision), false, true))),
      tf.reshape(tf.sum(tf.mul(tf.square(means), precision), 1), [1, -1]),
    );
    const normaliser = tf.reshape(tf.add(tf.sum(logVariances, 1), z.shape[1] * Math.log(2 * Math.PI)), [1, -1]);
    return tf.mul(-0.5, tf.add(quadratic, normaliser)) as tf.Tensor2D;
  });
}

export interface MarginalKlEstimate {
  /** KL(q_N(z) || p(z)) in nats, q_N = (1/N) sum_n q(z | x_n), the aggregate posterior of the N examples given. */
  readonly value: number;
  /** Standard error of the Monte Carlo mean. */
  readonly standardError: number;
  readonly sampleCount: number;
}

export interface MarginalKlInput {
  /** N: the number of posteriors (examples) in the aggregate, and of samples z_i ~ q(z | x_i). */
  readonly count: number;
  /** log q(z_i | x_j) for the samples i in [start, end) against every posterior j: [end - start, N]. */
  logPosteriorRows(start: number, end: number): tf.Tensor2D;
  /** log p(z_i) for every sample, length N. */
  readonly logPrior: ArrayLike<number>;
  /** Rows per chunk (memory: chunk x N floats). */
  readonly chunkSize?: number;
}

/**
 * Marginal KL of the aggregate posterior (Taming VAEs, Table 2): with one sample z_i ~ q(z | x_i) per example,
 * log q_N(z_i) = logsumexp_j log q(z_i | x_j) - log N exactly, and z_i is a draw from q_N, so the mean of
 * log q_N(z_i) - log p(z_i) is an unbiased Monte Carlo estimate of KL(q_N || p). It is the KL of the aggregate over
 * these N examples: it equals E[KL(q(z|x) || p)] minus the mutual information I_N(x; z) <= log N, so use the whole
 * test set and report N with it.
 */
export function estimateMarginalKl(input: MarginalKlInput): MarginalKlEstimate {
  const { count, logPrior } = input;
  if (!Number.isInteger(count) || count < 2) throw new InvalidArgumentError('count', `the aggregate posterior needs at least 2 examples, got ${count}`);
  if (logPrior.length !== count) throw new InvalidArgumentError('logPrior', `has ${logPrior.length} values for ${count} samples`);
  const chunkSize = input.chunkSize ?? 256;
  const terms = new Float64Array(count);
  for (let start = 0; start < count; start += chunkSize) {
    const end = Math.min(count, start + chunkSize);
    const rows = input.logPosteriorRows(start, end);
    if (rows.shape[0] !== end - start || rows.shape[1] !== count) {
      rows.dispose();
      throw new InvalidArgumentError('logPosteriorRows', `returned [${rows.shape}] for rows ${start}..${end}; expected [${end - start}, ${count}]`);
    }
    const logAggregate = tf.tidy(() => tf.logSumExp(rows, 1));
    const values = logAggregate.dataSync();
    rows.dispose();
    logAggregate.dispose();
    for (let row = 0; row < end - start; row += 1) terms[start + row] = (values[row] as number) - Math.log(count) - (logPrior[start + row] as number);
  }
  const mean = terms.reduce((sum, value) => sum + value, 0) / count;
  const variance = terms.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
  if (!Number.isFinite(mean)) throw new InvalidArgumentError('marginal KL', 'is not finite (a log-density was -Infinity or NaN)');
  return { value: mean, standardError: Math.sqrt(variance / count), sampleCount: count };
}
