// Times tame's wasm conv gradient kernels against the native wasm Conv2DBackpropInput on the shapes of the
// reference conv VAE (and a few more), to tune usePhaseDecomposition. Medians of 15 calls after 3 warm-up calls;
// the filter is the same tensor every call here (XNNPACK caches its packed weights), unlike in training.
// Run: npx tsx --conditions=@tame/source packages/backend/bench/conv-kernels.ts
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilter } from '../src/wasm/conv2d-backprop-filter.js';
import { conv2dBackpropInputByPhases } from '../src/wasm/conv2d-backprop-input.js';
import type { KernelFn } from '../src/wasm/kernel-utils.js';
import { registerWasmTrainingKernels } from '../src/wasm/register-wasm-training-kernels.js';

const native = tf.getKernel('Conv2DBackpropInput', 'wasm');
if (native === undefined) throw new Error('wasm Conv2DBackpropInput not registered');
registerWasmTrainingKernels(tf); // the kernels below use tame's BatchMatMul (1x1 filter gradients)
await tf.setBackend('wasm');
await tf.ready();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function time(f: () => void, reps = 15): number {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

type Case = { x: [number, number, number, number]; k: number; cout: number; s: number; pad: 'same' | 'valid' };
const cases: Case[] = [
  { x: [64, 14, 14, 32], k: 4, cout: 64, s: 2, pad: 'same' }, // conv2 / convT1
  { x: [64, 28, 28, 1], k: 4, cout: 32, s: 2, pad: 'same' }, // conv1 / convT2
  { x: [64, 28, 28, 2], k: 4, cout: 32, s: 2, pad: 'same' },
  { x: [64, 28, 28, 4], k: 4, cout: 32, s: 2, pad: 'same' },
  { x: [64, 28, 28, 8], k: 4, cout: 32, s: 2, pad: 'same' },
  { x: [64, 14, 14, 32], k: 3, cout: 64, s: 1, pad: 'same' },
  { x: [64, 14, 14, 3], k: 3, cout: 64, s: 1, pad: 'same' },
  { x: [64, 14, 14, 32], k: 3, cout: 2, s: 1, pad: 'same' },
  { x: [64, 14, 14, 32], k: 3, cout: 64, s: 2, pad: 'same' },
  { x: [16, 32, 32, 16], k: 5, cout: 32, s: 2, pad: 'same' },
  { x: [64, 28, 28, 16], k: 3, cout: 16, s: 1, pad: 'same' },
  { x: [64, 28, 28, 32], k: 4, cout: 1, s: 2, pad: 'same' },
  { x: [64, 28, 28, 1], k: 3, cout: 1, s: 1, pad: 'same' },
  { x: [64, 28, 28, 1], k: 5, cout: 1, s: 2, pad: 'valid' },
  { x: [1, 28, 28, 1], k: 3, cout: 8, s: 1, pad: 'same' },
  { x: [1, 28, 28, 4], k: 4, cout: 8, s: 2, pad: 'same' },
  { x: [8, 9, 9, 3], k: 3, cout: 5, s: 3, pad: 'valid' },
  { x: [64, 16, 16, 64], k: 1, cout: 64, s: 1, pad: 'same' },
  { x: [64, 16, 16, 64], k: 1, cout: 64, s: 2, pad: 'same' },
  { x: [32, 8, 8, 96], k: 3, cout: 256, s: 1, pad: 'same' }, // ConvLSTM gates: concat(x, h) -> 4 * 64
];

const backend = tf.backend() as unknown as { disposeData(id: object): void };
for (const c of cases) {
  const w = tf.randomNormal([c.k, c.k, c.x[3], c.cout]) as tf.Tensor4D;
  const x = tf.randomNormal(c.x) as tf.Tensor4D;
  const y = tf.conv2d(x, w, c.s, c.pad);
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const attrs = { inputShape: c.x, strides: [c.s, c.s] as [number, number], pad: c.pad, dataFormat: 'NHWC' as const };
  const tNative = time(() => {
    const out = (native.kernelFunc as KernelFn)({
      inputs: { dy, filter: w },
      backend: tf.backend(),
      attrs: attrs as never,
    });
    backend.disposeData((out as tf.TensorInfo).dataId);
  });
  const tPhase = time(() => tf.tidy(() => conv2dBackpropInputByPhases(tf, dy, w, attrs, tf.backend())).dispose());
  const tFilter = time(() =>
    tf.tidy(() => conv2dBackpropFilter(tf, x, dy, { strides: c.s, pad: c.pad, filterShape: w.shape })).dispose()
  );
  const tFwd = time(() => tf.conv2d(x, w, c.s, c.pad).dispose());
  console.log(
    `x[${c.x}] k${c.k} s${c.s} cout${c.cout} ${c.pad}: fwd ${tFwd.toFixed(2)} ms | input grad native ${tNative.toFixed(
      2
    )} ms, phases ${tPhase.toFixed(2)} ms | filter grad ${tFilter.toFixed(2)} ms`
  );
  tf.dispose([w, x, y, dy]);
}
