import * as tf from '@tensorflow/tfjs-core';

/**
 * log1p(x) accurate for tiny x on every backend. tfjs' wasm Log1p kernel computes log(1 + x) in float32, which
 * returns 0 for x < 6e-8 (a barely used latent dimension); this uses Goldberg's identity
 * log1p(x) = log(w) * x / (w - 1) with w = fl(1 + x) (exact when w = 1), and the gradient 1 / (1 + x).
 *
 * @deprecated @tame/backend registers an accurate Log1p on wasm; use tf.log1p. It will be removed in a later minor
 * release.
 */
export const accurateLog1p: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const w = tf.add(1, x);
  const difference = tf.sub(w, 1);
  const roundsToOne = tf.equal(difference, 0);
  // A safe denominator, so the branch `where` discards never divides by zero.
  const denominator = tf.where(roundsToOne, tf.onesLike(difference), difference);
  const value = tf.where(roundsToOne, x, tf.mul(tf.log(w), tf.div(x, denominator)));
  save([x]);
  return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.div(dy, tf.add(1, saved[0] as tf.Tensor)) };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * The "floating prior" of BILBO (README, note S1): the zero-mean diagonal Gaussian fitted in closed form to a
 * batch of constant-variance posteriors N(mu_i, s^2 I). m_j = (1/B) sum_i mu_ij^2 is the batch SECOND moment (no
 * mean is subtracted) and v_j = m_j + s^2 the prior variance, the minimiser of the batch-mean KL over v.
 * Returned tensors belong to the caller.
 */
export function floatingPrior(posteriorMean: tf.Tensor2D, posteriorScale: number): { secondMoment: tf.Tensor1D; variance: tf.Tensor1D } {
  return tf.tidy(() => {
    const secondMoment = tf.mean(tf.square(posteriorMean), 0) as tf.Tensor1D;
    return { secondMoment, variance: tf.add(secondMoment, posteriorScale * posteriorScale) as tf.Tensor1D };
  });
}

/**
 * BILBO's rate term, the batch-mean KL to the floating prior in its exact form (1.1):
 * (1/2) sum_j log1p(m_j / s^2), in nats per example. log1p keeps it accurate for dimensions the batch barely uses.
 */
export function floatingPriorRate(posteriorMean: tf.Tensor2D, posteriorScale: number): tf.Scalar {
  return tf.tidy(() => {
    const secondMoment = tf.mean(tf.square(posteriorMean), 0);
    return tf.mul(0.5, tf.sum(tf.log1p(tf.div(secondMoment, posteriorScale * posteriorScale)))) as tf.Scalar;
  });
}

/**
 * Analytic KL(N(mu_i, diag sigma_i^2) || N(0, diag v)) per example, in nats, [batch] (3.2 (c)):
 * (1/2) sum_j (mu_ij^2 / v_j + sigma_ij^2 / v_j - 1 + log v_j - log sigma_ij^2).
 * `posteriorScale` is sigma: a number for the constant posterior, or [batch, d] for a learned one.
 */
export function gaussianKlToZeroMeanPrior(posteriorMean: tf.Tensor2D, posteriorScale: number | tf.Tensor2D, priorVariance: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const posteriorVariance = typeof posteriorScale === 'number' ? tf.scalar(posteriorScale * posteriorScale) : tf.square(posteriorScale);
    const logPosteriorVariance = typeof posteriorScale === 'number' ? tf.scalar(2 * Math.log(posteriorScale)) : tf.mul(2, tf.log(posteriorScale));
    const ratio = tf.div(tf.add(tf.square(posteriorMean), posteriorVariance), priorVariance);
    const perDimension = tf.sub(tf.add(ratio, tf.log(priorVariance)), tf.add(logPosteriorVariance, 1));
    return tf.mul(0.5, tf.sum(perDimension, 1)) as tf.Tensor1D;
  });
}
