import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';

/**
 * Subpixel rearrangement [B, h, w, s*s*C] -> [B, h*s, w*s, C], the same layout as tf.depthToSpace(x, s, 'NHWC')
 * (output[b, h*s + i, w*s + j, c] = input[b, h, w, (i*s + j)*C + c]). Written as reshape + rank-4 transpose because
 * tfjs-core registers no gradient for DepthToSpace (on any backend), and the wasm DepthToSpace kernel is slow.
 */
export function depthToSpace(input: tf.Tensor4D, blockSize: number): tf.Tensor4D {
  const [batch, height, width, depth] = input.shape;
  const channels = depth / (blockSize * blockSize);
  if (!Number.isInteger(channels)) {
    throw new InvalidArgumentError('depthToSpace input', `depth ${depth} is not a multiple of blockSize^2 = ${blockSize * blockSize}`);
  }
  if (blockSize === 1) return input;
  // [B*h, w, i, (j, c)] -> [B*h, i, w, (j, c)] -> [B, h*s, w*s, C]
  const rows = tf.reshape(input, [batch * height, width, blockSize, blockSize * channels]);
  return tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), [batch, height * blockSize, width * blockSize, channels]);
}
