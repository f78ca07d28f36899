import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareWithCpu, float, leakedAcross } from './test-helpers.js';

interface Case {
  a: number[];
  b: number[];
  ta?: boolean;
  tb?: boolean;
}

// Shapes as passed to matMul (before the transposes).
const cases: Case[] = [
  { a: [5, 7], b: [7, 3] }, // native fast path
  { a: [7, 5], b: [7, 3], ta: true },
  { a: [5, 7], b: [3, 7], tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [64, 33], b: [64, 9], ta: true }, // dense dW = x^T dy
  { a: [4, 5, 7], b: [7, 3] }, // b broadcast: one GEMM
  { a: [4, 7, 5], b: [1, 3, 7], ta: true, tb: true },
  { a: [5, 7], b: [4, 7, 3] }, // a broadcast
  { a: [1, 7, 5], b: [4, 3, 7], ta: true, tb: true },
  { a: [3, 40, 50], b: [3, 50, 60] }, // batched, big enough for per-batch GEMMs
  { a: [3, 50, 40], b: [3, 60, 50], ta: true, tb: true },
  { a: [2, 3, 40, 50], b: [2, 3, 50, 40] },
  { a: [3, 4, 5], b: [3, 5, 6], tb: false }, // batched, small: native
  { a: [2, 1, 5, 7], b: [1, 3, 7, 4] }, // batch dims broadcast both ways: native
  // The cases above under 16k multiply-adds run natively (tiny products); the rewrites at sizes that take them:
  { a: [70, 50], b: [30, 70], ta: true, tb: true },
  { a: [4, 50, 70], b: [70, 30] }, // b broadcast: one GEMM
  { a: [4, 70, 50], b: [1, 30, 70], ta: true, tb: true },
  { a: [50, 70], b: [4, 70, 30] }, // a broadcast
  { a: [1, 70, 50], b: [4, 30, 70], ta: true, tb: true },
];

const matMul = (c: Case) => (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, c.ta, c.tb);

describe('BatchMatMul on wasm', () => {
  it.each(cases)('matches the cpu backend for %j', async (c) => {
    const { error } = await compareWithCpu(tf, [float(c.a, 1), float(c.b, 2)], matMul(c));
    expect(error).toBeLessThan(1e-5);
  });

  it('gives the gradients of matMul (all transposes) equal to the cpu backend', async () => {
    // (Only same-batch shapes: tfjs-core's BatchMatMul gradient does not reduce broadcast batch dims on any backend.)
    for (const c of [cases[1], cases[3], cases[4], cases[10], cases[11], cases[14]] as Case[]) {
      const outShape = tf.tidy(() => matMul(c)(tf.zeros(c.a), tf.zeros(c.b)).shape);
      const loss = (a: tf.Tensor, b: tf.Tensor, r: tf.Tensor) =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(c)(x, y), r)))([a, b]);
      const { error } = await compareWithCpu(tf, [float(c.a, 3), float(c.b, 4), float(outShape, 5)], loss);
      expect(error).toBeLessThan(1e-5);
    }
  });

  it.each([cases[0], cases[1], cases[2], cases[3], cases[6], cases[9], cases[10]] as Case[])(
    'runs _FusedMatMul (bias, activations) like the cpu backend for %j',
    async (c) => {
      const n = tf.tidy(() => matMul(c)(tf.zeros(c.a), tf.zeros(c.b)).shape.at(-1) as number);
      for (const activation of ['linear', 'relu', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
        const fused = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor, alpha: tf.Tensor) => [
          tf.fused.matMul({
            a,
            b,
            transposeA: c.ta,
            transposeB: c.tb,
            bias,
            activation,
            preluActivationWeights: activation === 'prelu' ? alpha : undefined,
          }),
          tf.fused.matMul({
            a,
            b,
            transposeA: c.ta,
            transposeB: c.tb,
            activation: activation === 'prelu' ? 'relu' : activation,
          }),
        ];
        const { error } = await compareWithCpu(tf, [float(c.a, 6), float(c.b, 7), float([n], 8), float([n], 9)], fused);
        expect(error, activation).toBeLessThan(1e-5);
      }
    }
  );

  it('leaves no tensor behind across repeated calls', () => {
    for (const c of [cases[4], cases[9], cases[7]] as Case[]) {
      const [a, b] = [tf.randomNormal(c.a), tf.randomNormal(c.b)];
      expect(leakedAcross(tf, 10, () => matMul(c)(a, b))).toEqual({ tensors: 0, bytes: 0 });
      tf.dispose([a, b]);
    }
    const [a, b, bias] = [tf.randomNormal([7, 5]), tf.randomNormal([3, 7]), tf.randomNormal([3])];
    const fused = () => tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' });
    expect(leakedAcross(tf, 10, fused)).toEqual({ tensors: 0, bytes: 0 });
    tf.dispose([a, b, bias]);
  });
});
