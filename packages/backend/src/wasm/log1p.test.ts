import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compareWithCpu, float, leakedAcross, randomValues, type InputSpec } from './test-helpers.js';

// Bound on the relative error against log1p of the float32 input computed in float64: 5 units of float32 roundoff
// (u = 2^-24), Goldberg's bound for this formula with a correctly rounded log (proved for 0 <= x < 3/4; held for all
// x in a 300,000-value sweep). Measured: 2.8 u (1.67e-7, at x = 1.7e7, just above 2^24).
const bound = 5 * 2 ** -24;

/** Relative error of wasm's tf.log1p for each value, against Math.log1p of the value rounded to float32. */
function relativeErrors(values: number[]): { x: number; actual: number; expected: number; error: number }[] {
  const x = tf.tensor1d(values);
  const inputs = x.dataSync();
  const y = tf.log1p(x);
  const outputs = y.dataSync();
  tf.dispose([x, y]);
  return Array.from(inputs, (xi, i) => {
    const expected = Math.log1p(xi);
    const actual = outputs[i] as number;
    return { x: xi, actual, expected, error: Math.abs(actual - expected) / Math.abs(expected) };
  });
}

describe('Log1p on wasm', () => {
  it("is tame's kernel, and right where the native one (log(1 + x) in float32) is wrong", () => {
    expect(tf.getBackend()).toBe('wasm');
    const kernel = tf.getKernel('Log1p', 'wasm')?.kernelFunc as unknown as Record<symbol, unknown> | undefined;
    expect(kernel?.[Symbol.for('@tame/backend.wasmTrainingKernel')]).toBe(true);
    const x = tf.tensor1d([1e-8, 3e-8, -2e-8]);
    const naive = tf.log(tf.add(1, x)); // what the native kernel computes
    const y = tf.log1p(x);
    expect(Array.from(naive.dataSync())).toEqual([0, 0, 0]);
    Array.from(y.dataSync()).forEach((value, i) => {
      const expected = Math.log1p(x.dataSync()[i] as number);
      expect(Math.abs(value - expected) / Math.abs(expected)).toBeLessThan(bound);
    });
    tf.dispose([x, naive, y]);
  });

  it(`matches Math.log1p in float64 to ${bound.toPrecision(2)} relative, tiny and ordinary values`, () => {
    const tiny = [1e-30, 1e-12, 6e-8, -3e-8, 1e-4, 1e-40 /* subnormal */];
    const ordinary = [0.5, 3, 1e6, -0.5, -0.999, -0.99999994, 3e38];
    for (const { x, actual, expected, error } of relativeErrors([...tiny, ...ordinary])) {
      expect(error, `log1p(${x}) = ${actual}, expected ${expected}`).toBeLessThan(bound);
    }
    // |x| < 2^-24: 1 + x rounds to 1 and x itself is log1p(x) in float32.
    expect(relativeErrors([1e-30, -3e-9]).map((r) => r.actual)).toEqual([Math.fround(1e-30), Math.fround(-3e-9)]);
  });

  it('stays within the bound over 30,000 values from 1e-38 to 1e38 and near -1', () => {
    const u = randomValues(30_000, 7);
    const values = Array.from(u, (v, i) =>
      i % 3 === 0
        ? -1 + 10 ** (-7 + 7 * Math.abs(v)) // (-1, 0]: near -1, where 1 + x loses x's low bits
        : Math.sign(v || 1) * (i % 3 === 1 ? 10 ** (-38 + 76 * Math.abs(v)) : 10 ** (-9 + 6 * Math.abs(v)))
    ).filter((x) => x > -1);
    const errors = relativeErrors(values).filter((r) => r.expected !== 0 && Number.isFinite(r.expected));
    const worst = errors.reduce((a, b) => (b.error > a.error ? b : a));
    expect(worst.error, `worst at x = ${worst.x}`).toBeLessThan(bound);
  });

  it('gives Math.log1p special values: -1, < -1, +-Infinity, NaN, +-0', () => {
    const inputs = [-1, -2, -Infinity, Infinity, NaN, 0, -0, -1.0000001];
    const expected = [-Infinity, NaN, NaN, Infinity, NaN, 0, -0, NaN];
    expect(inputs.map((v) => Math.log1p(Math.fround(v)))).toEqual(expected);
    const x = tf.tensor1d(inputs);
    const y = tf.log1p(x);
    Array.from(y.dataSync()).forEach((value, i) => expect(value, `log1p(${inputs[i]})`).toBe(expected[i]));
    tf.dispose([x, y]);
  });

  it('has gradient 1 / (1 + x), equal to the cpu backend on odd shapes', async () => {
    // Values from -0.9 to 0.9 scaled down to 1e-8 (every ninth order of magnitude), so tiny values are included.
    const spec = (shape: number[], seed: number): InputSpec => {
      const base = float(shape, seed);
      return { ...base, values: base.values.map((v, i) => 0.9 * v * 10 ** -(i % 9)) };
    };
    for (const shape of [[7, 9], [3, 5, 2], [13], [1, 11, 1]]) {
      const x = spec(shape, shape.length);
      const f = (input: tf.Tensor, r: tf.Tensor) => {
        const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => tf.sum(tf.mul(tf.log1p(p), r)))(input);
        return [value, grad, tf.log1p(input), tf.grad((p: tf.Tensor) => tf.sum(tf.log1p(p)))(input)];
      };
      const { wasm, cpu } = await compareWithCpu(tf, [x, float(shape, 10 + shape.length)], f);
      expect(wasm[3]?.shape).toEqual(shape);
      for (let k = 0; k < 4; k++) {
        const w = wasm[k]!.values;
        const c = cpu[k]!.values;
        // Elementwise relative: a maximum-normalized error would hide the tiny values.
        w.forEach((value, i) =>
          expect(Math.abs(value - c[i]!) / Math.abs(c[i]!), `output ${k} [${i}]`).toBeLessThan(1e-5)
        );
      }
      const gradient = wasm[3]!.values;
      Float32Array.from(x.values).forEach((xi, i) => expect(Math.abs(gradient[i]! * (1 + xi) - 1)).toBeLessThan(1e-6));
    }
  });

  it('computes int32 inputs as the cpu backend does', async () => {
    const x = { shape: [6], values: Int32Array.from([0, 1, 5, 100, -1, -5]), dtype: 'int32' as const };
    const { wasm, cpu, error } = await compareWithCpu(tf, [x], (v) => tf.log1p(v));
    expect(Array.from(wasm[0]!.values)).toEqual(Array.from(cpu[0]!.values));
    expect(error).toBe(0);
  });

  it('accepts a TensorInfo input (a direct kernel call) and leaves it alive', () => {
    const x = tf.tensor2d([[1e-9, 0.25, -0.5]]);
    const before = tf.memory().numTensors;
    const out = tf.getKernel('Log1p', 'wasm')!.kernelFunc({
      inputs: { x: { dataId: x.dataId, shape: x.shape, dtype: x.dtype } },
      backend: tf.backend(),
      attrs: {},
    }) as tf.Tensor;
    Array.from(out.dataSync()).forEach((value, i) => {
      const expected = Math.log1p(x.dataSync()[i] as number);
      expect(Math.abs(value - expected) / Math.abs(expected)).toBeLessThan(bound);
    });
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(x.dataSync())).toEqual(Array.from(Float32Array.from([1e-9, 0.25, -0.5])));
    x.dispose();
  });

  it('leaves no tensor behind across repeated calls and gradients', () => {
    const x = tf.mul(tf.randomUniform([50, 7], -0.9, 0.9), 1e-3);
    expect(leakedAcross(tf, 10, () => tf.log1p(x))).toEqual({ tensors: 0, bytes: 0 });
    const variable = tf.variable(x);
    const step = () => tf.variableGrads(() => tf.sum(tf.log1p(variable)) as tf.Scalar);
    expect(leakedAcross(tf, 10, step)).toEqual({ tensors: 0, bytes: 0 });
    tf.dispose([x, variable]);
  });
});
