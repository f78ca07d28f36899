// Helpers for the wasm kernel tests: run the same computation on the cpu and wasm backends from identical inputs,
// and compare with a tolerance relative to the magnitude. (No vitest import, so that it type-checks as library code.)
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { setBackend } from '../set-backend.js';
import type { TensorFlow } from './kernel-utils.js';

export interface InputSpec {
  shape: number[];
  values: Float32Array | Int32Array;
  dtype: 'float32' | 'int32';
}

export interface Output {
  shape: number[];
  values: Float64Array;
}

/** Deterministic uniform values in [-1, 1) (mulberry32). */
export function randomValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export function float(shape: number[], seed: number): InputSpec {
  return {
    shape,
    values: randomValues(
      shape.reduce((p, d) => p * d, 1),
      seed
    ),
    dtype: 'float32',
  };
}

export function int(shape: number[], values: number[]): InputSpec {
  return { shape, values: Int32Array.from(values), dtype: 'int32' };
}

/**
 * Runs f on `backend` with fresh tensors made from the specs (so nothing migrates between backends) and returns the
 * outputs' shapes and values; the previously active backend is restored.
 */
export async function runOn(
  tf: TensorFlow,
  backend: 'cpu' | 'wasm',
  inputs: InputSpec[],
  f: (...tensors: Tensor[]) => Tensor | Tensor[] | Record<string, Tensor>
): Promise<Output[]> {
  const previous = tf.getBackend();
  if (previous !== backend) await setBackend(backend);
  try {
    const outputs = tf.tidy(() => {
      const tensors = inputs.map((s) => tf.tensor(s.values, s.shape, s.dtype));
      const result = f(...tensors);
      return Array.isArray(result) ? result : result instanceof tf.Tensor ? [result] : Object.values(result);
    });
    const read = outputs.map((t) => ({ shape: [...t.shape], values: Float64Array.from(t.dataSync()) }));
    tf.dispose(outputs);
    return read;
  } finally {
    if (previous !== backend) await setBackend(previous as 'cpu' | 'wasm');
  }
}

/** max |actual - expected| / max(max |expected|, floor); Infinity when the shapes differ. */
export function relativeError(actual: Output, expected: Output, floor = 1e-3): number {
  if (actual.shape.join(',') !== expected.shape.join(',')) return Infinity;
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < expected.values.length; i++) {
    const e = expected.values[i] as number;
    diff = Math.max(diff, Math.abs((actual.values[i] as number) - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return Number.isNaN(diff) ? Infinity : diff / scale;
}

/** Runs f on wasm and on cpu and returns the largest relative error over its outputs (and the outputs). */
export async function compareWithCpu(
  tf: TensorFlow,
  inputs: InputSpec[],
  f: (...tensors: Tensor[]) => Tensor | Tensor[] | Record<string, Tensor>
): Promise<{ error: number; wasm: Output[]; cpu: Output[] }> {
  const wasm = await runOn(tf, 'wasm', inputs, f);
  const cpu = await runOn(tf, 'cpu', inputs, f);
  if (wasm.length !== cpu.length) return { error: Infinity, wasm, cpu };
  const error = Math.max(...wasm.map((w, i) => relativeError(w, cpu[i] as Output)));
  return { error, wasm, cpu };
}

/** Runs `repeat` `times` in a tidy and returns how many tensors (and wasm heap bytes) were left behind. */
export function leakedAcross(tf: TensorFlow, times: number, repeat: () => unknown): { tensors: number; bytes: number } {
  for (let i = 0; i < 2; i++) tf.tidy(() => void repeat()); // warm up (first calls may allocate caches)
  const before = tf.memory();
  for (let i = 0; i < times; i++) tf.tidy(() => void repeat());
  const after = tf.memory();
  return { tensors: after.numTensors - before.numTensors, bytes: after.numBytes - before.numBytes };
}

/** Geometry of one NHWC conv2d with an HWIO filter, for the float64 reference below. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  kh: number;
  kw: number;
  cout: number;
  oh: number;
  ow: number;
  stride: number;
  padTop: number;
  padLeft: number;
}

/** f(x, W) = sum(conv2d(x, W) * r) in float64 plain JS: a reference independent of tfjs. */
export function convObjective(g: ConvGeometry, x: Float64Array, filter: Float64Array, r: Float64Array): number {
  let total = 0;
  for (let b = 0; b < g.n; b++)
    for (let y = 0; y < g.oh; y++)
      for (let z = 0; z < g.ow; z++)
        for (let co = 0; co < g.cout; co++) {
          let acc = 0;
          for (let i = 0; i < g.kh; i++)
            for (let j = 0; j < g.kw; j++) {
              const row = y * g.stride + i - g.padTop;
              const col = z * g.stride + j - g.padLeft;
              if (row < 0 || row >= g.h || col < 0 || col >= g.w) continue;
              for (let ci = 0; ci < g.cin; ci++) {
                acc +=
                  (x[((b * g.h + row) * g.w + col) * g.cin + ci] as number) *
                  (filter[((i * g.kw + j) * g.cin + ci) * g.cout + co] as number);
              }
            }
          total += acc * (r[((b * g.oh + y) * g.ow + z) * g.cout + co] as number);
        }
  return total;
}

/** Central finite differences of evaluate() with respect to `values` (perturbed in place and restored). */
export function numericGradient(values: Float64Array, evaluate: () => number, eps = 1e-3): Float64Array {
  const grad = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    values[i] = v + eps;
    const up = evaluate();
    values[i] = v - eps;
    const down = evaluate();
    values[i] = v;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}

export type ConvPad = 'same' | 'valid' | number | number[][];

/** One conv2d gradient-check case: x is the conv's input shape (NHWC), k the filter size, s the strides. */
export interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  s: number | [number, number];
  pad: ConvPad;
}

/** Odd shapes, strides 1-3 (and mixed), same / valid / numeric / explicit pads, batch 1 and > 1. */
export const sharedConvCases: readonly ConvCase[] = [
  { x: [1, 7, 9, 3], k: [3, 3], cout: 5, s: 1, pad: 'same' },
  { x: [2, 7, 9, 3], k: [3, 3], cout: 5, s: 2, pad: 'same' },
  { x: [3, 13, 11, 2], k: [4, 4], cout: 3, s: 2, pad: 'valid' },
  { x: [2, 5, 5, 1], k: [2, 3], cout: 4, s: [1, 2], pad: 'same' },
  { x: [1, 13, 11, 5], k: [5, 5], cout: 3, s: 3, pad: 'same' },
  { x: [2, 9, 7, 3], k: [3, 3], cout: 2, s: 3, pad: 'valid' },
  { x: [2, 7, 9, 3], k: [1, 1], cout: 4, s: 2, pad: 'same' },
  { x: [2, 7, 9, 3], k: [2, 2], cout: 3, s: 3, pad: 'same' },
  { x: [1, 5, 5, 1], k: [5, 5], cout: 1, s: 1, pad: 'valid' },
  { x: [2, 8, 7, 3], k: [3, 3], cout: 4, s: [2, 3], pad: 'valid' },
  { x: [2, 8, 8, 3], k: [3, 3], cout: 4, s: 2, pad: 1 },
  {
    x: [2, 8, 9, 3],
    k: [3, 2],
    cout: 4,
    s: 2,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
];

/** The filter shape and the forward output (= dy) shape of a case. */
export function convCaseShapes(c: ConvCase) {
  const filterShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.cout];
  const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.s, 1, c.pad as 'same', 'floor');
  return { filterShape, dyShape: info.outShape };
}
