import * as tf from '@tensorflow/tfjs-core';

/**
 * Algorithm 1, line "C_t = Chat_t + StopGradient(C_ma - Chat_t)": a scalar whose forward value is `forwardValue`
 * (the moving average) and whose gradient flows only into `batchValue` (the batch estimate). tfjs-core has no
 * stopGradient op, so the pass-through is a custom gradient: d/d batchValue = dy, d/d forwardValue = 0.
 */
export function straightThrough(batchValue: tf.Scalar, forwardValue: tf.Scalar): tf.Scalar {
  const pass = tf.customGrad((...inputs) => {
    const [batch, forward] = inputs as [tf.Tensor, tf.Tensor];
    return {
      value: tf.clone(forward),
      gradFunc: (dy: tf.Tensor) => [tf.mul(dy, tf.onesLike(batch)), tf.zerosLike(forward)],
    };
  });
  return pass(batchValue, forwardValue) as tf.Scalar;
}
