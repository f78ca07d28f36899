import * as tf from '@tensorflow/tfjs-core';

const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);

/** log N(x; μ, diag σ²) summed over the last axis, [P]: Σ_i [-½((x_i - μ_i)/σ_i)² - log σ_i - ½ log 2π]. */
export function diagonalGaussianLogDensity(value: tf.Tensor2D, mean: tf.Tensor2D, logScale: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const standardized = tf.mul(tf.sub(value, mean), tf.exp(tf.neg(logScale)));
    const perCoordinate = tf.sub(tf.mul(-0.5, tf.square(standardized)), tf.add(logScale, halfLogTwoPi));
    return tf.sum(perCoordinate, 1) as tf.Tensor1D;
  });
}

/** log N(x; 0, I) summed over the last axis, [P]. */
export function standardNormalLogDensity(value: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(tf.mul(-0.5, tf.sum(tf.square(value), 1)), value.shape[1] * halfLogTwoPi) as tf.Tensor1D);
}
