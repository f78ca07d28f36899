import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareWithCpu, float, int, leakedAcross } from './test-helpers.js';

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows into segments, duplicates accumulated, like the cpu backend', async () => {
    const { error, wasm } = await compareWithCpu(tf, [float([6, 3, 2], 1), int([6], [0, 2, 2, 5, 1, 0])], (x, ids) =>
      tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 7)
    );
    expect(wasm[0]?.shape).toEqual([7, 3, 2]);
    expect(error).toBeLessThan(1e-6);
  });

  it('drops ids outside [0, numSegments) like the cpu backend', async () => {
    const { error } = await compareWithCpu(tf, [float([5, 4], 2), int([5], [3, -1, 7, 0, 3])], (x, ids) =>
      tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 4)
    );
    expect(error).toBe(0);
  });

  it('handles int32 values and a rank-1 x', async () => {
    const x = { shape: [6], values: Int32Array.from([1, 2, 3, 4, 5, 6]), dtype: 'int32' as const };
    const { error, wasm } = await compareWithCpu(tf, [x, int([6], [1, 1, 0, 2, 0, 1])], (v, ids) =>
      tf.unsortedSegmentSum(v, ids as tf.Tensor1D, 3)
    );
    expect(Array.from(wasm[0]!.values)).toEqual([8, 9, 4]);
    expect(error).toBe(0);
  });

  it('gives the gradient of gather (axis 0, axis 1, batchDims) equal to the cpu backend', async () => {
    const gathers: Array<[number[], number[], number[], number, number]> = [
      // [x shape, indices shape, indices, axis, batchDims]
      [[9, 5], [6], [0, 3, 3, 8, 1, 3], 0, 0],
      [[4, 7, 3], [5], [6, 0, 0, 2, 6], 1, 0],
      [[3, 6, 2], [3, 2], [0, 5, 5, 5, 1, 2], 1, 1],
    ];
    for (const [xShape, idShape, ids, axis, batchDims] of gathers) {
      const gathered = tf.tidy(
        () => tf.gather(tf.zeros(xShape), tf.tensor(ids, idShape, 'int32'), axis, batchDims).shape
      );
      const f = (x: tf.Tensor, i: tf.Tensor, r: tf.Tensor) =>
        tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, i, axis, batchDims), r)))(x);
      const { error } = await compareWithCpu(tf, [float(xShape, 3), int(idShape, ids), float(gathered, 4)], f);
      expect(error).toBeLessThan(1e-6);
    }
  });

  it('leaves no tensor behind across repeated calls', () => {
    const x = tf.randomNormal([50, 8]);
    const ids = tf.tensor1d(
      Array.from({ length: 50 }, (_, i) => (i * 7) % 13),
      'int32'
    );
    expect(leakedAcross(tf, 10, () => tf.unsortedSegmentSum(x, ids, 13))).toEqual({ tensors: 0, bytes: 0 });
    tf.dispose([x, ids]);
  });
});
