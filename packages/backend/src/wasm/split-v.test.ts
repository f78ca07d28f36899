import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareWithCpu, float, int, leakedAcross } from './test-helpers.js';

describe('SplitV on wasm', () => {
  it("is tame's kernel", () => {
    const kernel = tf.getKernel('SplitV', 'wasm')?.kernelFunc as unknown as Record<symbol, unknown> | undefined;
    expect(kernel?.[Symbol.for('@tame/backend.wasmTrainingKernel')]).toBe(true);
  });

  it('splits every axis of odd shapes into equal and unequal parts exactly as the cpu backend', async () => {
    const cases: Array<[number[], number | number[], number]> = [
      [[5, 7, 3, 12], 4, 3], // ConvDRAW's gates: the channels, runs of 3 values
      [[5, 7, 3, 12], [2, 5, 5], -1],
      [[5, 7, 3, 200], [70, 130], 3], // runs of >= 64 values (typed-array copies)
      [[6, 7, 3, 2], [1, 5, 1], 1],
      [[6, 7, 3], 3, 0],
      [[9], [4, 0, 5], 0], // an empty part
      [[2, 11, 1], [10, 1], 1],
    ];
    for (const [shape, splits, axis] of cases) {
      const { error, wasm } = await compareWithCpu(tf, [float(shape, 7)], (x) => tf.split(x, splits, axis));
      expect(wasm).toHaveLength(typeof splits === 'number' ? splits : splits.length);
      expect(error).toBe(0);
    }
  });

  it('splits int32 and bool tensors', async () => {
    const values = Array.from({ length: 24 }, (_, index) => index * 7 - 50);
    const { error, wasm } = await compareWithCpu(tf, [int([2, 3, 4], values)], (x) => tf.split(x, [1, 3], 2));
    expect(Array.from(wasm[1]!.values.slice(0, 3))).toEqual([-43, -36, -29]);
    expect(error).toBe(0);
    const booleans = await compareWithCpu(tf, [int([3, 4], [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0])], (x) => tf.split(tf.cast(x, 'bool'), 2, 1));
    expect(booleans.error).toBe(0);
  });

  it('gives the gradient of split equal to the cpu backend', async () => {
    const f = (x: tf.Tensor, r: tf.Tensor) =>
      tf.grad((p: tf.Tensor) => {
        const [a, b, c] = tf.split(p, [3, 1, 4], 3);
        return tf.sum(tf.add(tf.mul(tf.sigmoid(a!), r), tf.add(tf.sum(tf.square(b!)), tf.sum(tf.tanh(c!)))));
      })(x);
    const { error } = await compareWithCpu(tf, [float([3, 5, 2, 8], 1), float([3, 5, 2, 3], 2)], f);
    expect(error).toBeLessThan(1e-6);
  });

  it('leaves no tensor or heap bytes behind', () => {
    const x = tf.randomNormal([8, 7, 7, 16]);
    expect(leakedAcross(tf, 20, () => tf.split(x, 4, 3))).toEqual({ tensors: 0, bytes: 0 });
    x.dispose();
  });
});
