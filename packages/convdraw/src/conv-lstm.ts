import * as tf from '@tensorflow/tfjs-core';

export interface ConvLstmState {
  readonly hidden: tf.Tensor4D;
  readonly cell: tf.Tensor4D;
}

/**
 * tanh(x) = 2 sigmoid(2x) - 1: the same function, but the wasm backend's Tanh kernel is ~15x slower than its
 * Sigmoid (1.8 ms vs 0.11 ms on [64, 7, 7, 32], measured), and the LSTM calls it twice per step.
 */
export function tanhViaSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/**
 * One ConvLSTM update from precomputed gate pre-activations: `gates` = conv(concat(input, h_prev))
 * + bias, [B, Hs, Ws, 4*Hc] in the order [i, f, o, g].
 *   c = sigmoid(f + forgetBias) * c_prev + sigmoid(i) * tanh(g)
 *   h = sigmoid(o) * tanh(c)
 */
export function convLstmUpdate(gates: tf.Tensor4D, previousCell: tf.Tensor4D, forgetBias: number): ConvLstmState {
  const [input, forget, output, candidate] = tf.split(gates, 4, 3) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const cell = tf.add(
    tf.mul(tf.sigmoid(tf.add(forget, forgetBias)), previousCell),
    tf.mul(tf.sigmoid(input), tanhViaSigmoid(candidate)),
  ) as tf.Tensor4D;
  const hidden = tf.mul(tf.sigmoid(output), tanhViaSigmoid(cell)) as tf.Tensor4D;
  return { hidden, cell };
}

/**
 * Gate pre-activations conv(concat(parts), kernel) ('same', stride 1) where the parts cover only the first input
 * channels of the kernel and the remaining channels are zero: at the first DRAW step the recurrent states h_0 are
 * 0, so their kernel rows contribute nothing and are left out (the same value, fewer multiply-adds).
 */
export function gateConvolution(parts: readonly tf.Tensor4D[], kernel: tf.Tensor4D): tf.Tensor4D {
  const input = parts.length === 1 ? (parts[0] as tf.Tensor4D) : (tf.concat([...parts], 3) as tf.Tensor4D);
  const channels = input.shape[3];
  const rows = channels === kernel.shape[2] ? kernel : (tf.slice(kernel, [0, 0, 0, 0], [-1, -1, channels, -1]) as tf.Tensor4D);
  return tf.conv2d(input, rows, 1, 'same');
}
