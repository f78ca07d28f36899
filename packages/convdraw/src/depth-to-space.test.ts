import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { depthToSpace } from './depth-to-space.js';

describe('depthToSpace (reshape + transpose)', () => {
  it.each([
    [2, [2, 3, 5, 4 * 1]],
    [2, [1, 4, 4, 4 * 3]],
    [3, [2, 2, 3, 9 * 2]],
    [4, [1, 3, 2, 16]],
  ] as const)('matches tf.depthToSpace(x, %i, NHWC) on %j', (blockSize, shape) => {
    const input = tf.randomNormal([...shape], 0, 1, 'float32', 3) as tf.Tensor4D;
    const ours = depthToSpace(input, blockSize);
    const reference = tf.depthToSpace(input, blockSize, 'NHWC');
    expect(ours.shape).toEqual(reference.shape);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(reference.dataSync()));
    tf.dispose([input, ours, reference]);
  });

  it('has the permutation gradient: d/dx sum(w * depthToSpace(x)) puts w back at its source index (checked in JS)', () => {
    const [batch, height, width, channels, blockSize] = [2, 2, 3, 2, 2];
    const input = tf.randomNormal([batch, height, width, blockSize * blockSize * channels], 0, 1, 'float32', 4) as tf.Tensor4D;
    const weights = tf.randomNormal([batch, height * blockSize, width * blockSize, channels], 0, 1, 'float32', 5);
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(weights, depthToSpace(x as tf.Tensor4D, blockSize))))(input);
    const w = weights.arraySync() as number[][][][];
    const expected: number[] = [];
    for (let b = 0; b < batch; b += 1)
      for (let h = 0; h < height; h += 1)
        for (let x = 0; x < width; x += 1)
          for (let i = 0; i < blockSize; i += 1)
            for (let j = 0; j < blockSize; j += 1)
              for (let c = 0; c < channels; c += 1) expected.push(w[b]![h * blockSize + i]![x * blockSize + j]![c]!);
    // Row-major order of [b, h, w, (i*s + j)*C + c] is exactly the loop order above.
    expect(Array.from(gradient.dataSync())).toEqual(expected);
    tf.dispose([input, weights, gradient]);
  });

  it('exists because tf.depthToSpace has no gradient in tfjs-core 4.22 (checked on the test backend)', () => {
    const input = tf.ones([1, 1, 1, 4]);
    expect(() => tf.grad((x: tf.Tensor) => tf.sum(tf.depthToSpace(x as tf.Tensor4D, 2)))(input)).toThrow(/gradient/i);
    input.dispose();
  });

  it('rejects a depth that is not a multiple of blockSize^2', () => {
    const input = tf.ones([1, 2, 2, 3]) as tf.Tensor4D;
    expect(() => depthToSpace(input, 2)).toThrow(/multiple of blockSize/);
    input.dispose();
  });
});
