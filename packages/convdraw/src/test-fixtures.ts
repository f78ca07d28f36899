import * as tf from '@tensorflow/tfjs-core';
import type { ConvDrawConfigInput } from './convdraw-config.js';
import type { ConvDrawModel } from './convdraw-model.js';

/** A tiny ConvDRAW for fast tests: 8x8x1 data, 4x4 state grid, 3 steps. */
export const tinyConfig = {
  dataShape: [8, 8, 1],
  steps: 3,
  stateStride: 2,
  hiddenChannels: 4,
  latentChannels: 2,
  readChannels: 2,
  readKernelSize: 3,
  kernelSize: 3,
} satisfies ConvDrawConfigInput;

/** Binary 8x8 images with structure to learn: example b is a cross (a 2-pixel row bar and column bar). */
export function binaryImages(count: number, seed = 1): tf.Tensor4D {
  const values = new Float32Array(count * 64);
  for (let b = 0; b < count; b += 1) {
    const pattern = b + seed * 5;
    const row = 2 * (pattern % 4);
    const column = 2 * (Math.floor(pattern / 4) % 4);
    for (let y = 0; y < 8; y += 1) {
      for (let x = 0; x < 8; x += 1) {
        const on = (y >= row && y < row + 2) || (x >= column && x < column + 2);
        values[b * 64 + y * 8 + x] = on ? 1 : 0;
      }
    }
  }
  return tf.tensor4d(values, [count, 8, 8, 1]);
}

/** -log Bernoulli(x | logits) summed per example: softplus(l) - x l. */
export function bernoulliNll(logits: tf.Tensor, data: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const perPixel = tf.sub(tf.softplus(logits), tf.mul(data, logits));
    return tf.sum(tf.reshape(perPixel, [data.shape[0] as number, -1]), 1) as tf.Tensor1D;
  });
}

/** Mean negative ELBO of one forward pass (Bernoulli NLL from the logits + KL). Inside a tape or a tidy. */
export function negativeElbo(model: ConvDrawModel, inputs: tf.Tensor, seed: number, context?: tf.Tensor, training = true): tf.Scalar {
  const output = model.forward({ inputs, ...(context ? { context } : {}) }, { seed, training });
  return tf.mean(tf.add(bernoulliNll(output.extras?.logits as tf.Tensor, inputs), output.kl)) as tf.Scalar;
}
