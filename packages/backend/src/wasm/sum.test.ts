import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareWithCpu, float, int, leakedAcross } from './test-helpers.js';

describe('Sum on wasm', () => {
  it("is tame's kernel", () => {
    const kernel = tf.getKernel('Sum', 'wasm')?.kernelFunc as unknown as Record<symbol, unknown> | undefined;
    expect(kernel?.[Symbol.for('@tame/backend.wasmTrainingKernel')]).toBe(true);
  });

  it('sums over leading axes (the product route) and any other axes (native) like the cpu backend', async () => {
    const cases: Array<[number[], number | number[], boolean]> = [
      [[9, 7, 5, 3], [0, 1, 2], false], // a bias gradient
      [[9, 7, 5, 3], [2, 0, 1], true],
      [[9, 7, 5, 3], 0, false],
      [[13, 11], [0], true],
      [[6, 5, 4], [0, 1], false],
      [[9, 7, 5, 1], [0, 1, 2], false], // one value kept: native
      [[9, 7, 5, 3], [1, 2], false], // not leading: native
      [[9, 7, 5, 3], [0, 1, 2, 3], false], // everything: native
      [[9, 7, 5, 3], -1, true],
    ];
    for (const [shape, axis, keepDims] of cases) {
      const { error, wasm, cpu } = await compareWithCpu(tf, [float(shape, 3)], (x) => tf.sum(x, axis, keepDims));
      expect(wasm[0]!.shape).toEqual(cpu[0]!.shape);
      expect(error).toBeLessThan(1e-6);
    }
  });

  it('leaves int32 sums to the native kernel, exactly', async () => {
    const { error, wasm } = await compareWithCpu(tf, [int([3, 2], [1, 2, 3, 4, 5, 6])], (x) => tf.sum(x, 0));
    expect(Array.from(wasm[0]!.values)).toEqual([9, 12]);
    expect(error).toBe(0);
  });

  it('gives the gradient of a broadcast bias add equal to the cpu backend', async () => {
    const f = (x: tf.Tensor, bias: tf.Tensor, r: tf.Tensor) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.add(a, b), r)))([x, bias]);
    const { error } = await compareWithCpu(tf, [float([7, 5, 3, 4], 1), float([4], 2), float([7, 5, 3, 4], 3)], f);
    expect(error).toBeLessThan(1e-6);
  });

  it('leaves no tensor or heap bytes behind', () => {
    const x = tf.randomNormal([16, 7, 7, 8]);
    expect(leakedAcross(tf, 20, () => tf.sum(x, [0, 1, 2]))).toEqual({ tensors: 0, bytes: 0 });
    x.dispose();
  });
});
