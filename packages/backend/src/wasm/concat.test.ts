import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareWithCpu, float, int, leakedAcross } from './test-helpers.js';

describe('Concat on wasm', () => {
  it("is tame's kernel", () => {
    const kernel = tf.getKernel('Concat', 'wasm')?.kernelFunc as unknown as Record<symbol, unknown> | undefined;
    expect(kernel?.[Symbol.for('@tame/backend.wasmTrainingKernel')]).toBe(true);
  });

  it('joins along every axis of odd shapes exactly as the cpu backend', async () => {
    const cases: Array<[number[][], number]> = [
      [[[5, 7, 3, 4], [5, 7, 3, 4], [5, 7, 3, 4], [5, 7, 3, 4]], 3], // ConvDRAW's gate gradients
      [[[5, 7, 3, 8], [5, 7, 3, 1], [5, 7, 3, 5]], -1],
      [[[4, 3, 70], [4, 3, 130]], 2], // runs of >= 64 values
      [[[2, 3, 5], [2, 1, 5], [2, 4, 5]], 1],
      [[[3, 4], [1, 4], [5, 4]], 0],
      [[[3, 4], [3, 0], [3, 2]], 1], // an empty input
      [[[9], [4]], 0],
    ];
    for (const [shapes, axis] of cases) {
      const { error, wasm } = await compareWithCpu(tf, shapes.map((shape, index) => float(shape, 10 + index)), (...xs) => tf.concat(xs, axis));
      expect(wasm).toHaveLength(1);
      expect(error).toBe(0);
    }
  });

  it('joins int32 and bool tensors, and passes one non-empty input through', async () => {
    const { error, wasm } = await compareWithCpu(tf, [int([2, 2], [1, 2, 3, 4]), int([2, 1], [-5, -6])], (a, b) => tf.concat([a!, b!], 1));
    expect(Array.from(wasm[0]!.values)).toEqual([1, 2, -5, 3, 4, -6]);
    expect(error).toBe(0);
    const booleans = await compareWithCpu(tf, [int([2, 2], [1, 0, 0, 1]), int([2, 3], [0, 0, 1, 1, 1, 0])], (a, b) => tf.concat([tf.cast(a!, 'bool'), tf.cast(b!, 'bool')], 1));
    expect(booleans.error).toBe(0);
    const single = await compareWithCpu(tf, [float([3, 2], 4), float([3, 0], 5)], (a, b) => tf.concat([a!, b!], 1));
    expect(single.error).toBe(0);
  });

  it('gives the gradient of concat equal to the cpu backend', async () => {
    const f = (a: tf.Tensor, b: tf.Tensor, r: tf.Tensor) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.tanh(tf.concat([p, q], 3)), r)))([a, b]);
    const { error } = await compareWithCpu(tf, [float([3, 5, 2, 3], 1), float([3, 5, 2, 6], 2), float([3, 5, 2, 9], 3)], f);
    expect(error).toBeLessThan(1e-6);
  });

  it('leaves no tensor or heap bytes behind', () => {
    const x = tf.randomNormal([8, 7, 7, 16]);
    expect(leakedAcross(tf, 20, () => tf.concat([x, x, x], 3))).toEqual({ tensors: 0, bytes: 0 });
    x.dispose();
  });
});
