// Registers on the wasm backend the kernels that training needs and tfjs-backend-wasm 4.22 lacks or runs slowly.
// See packages/backend/README.md for each kernel's formula and the measured speed.
import { adamUpdateConfig } from './adam-update.js';
import { batchMatMulConfig, fusedMatMulConfig } from './batch-mat-mul.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import type { KernelFn, TensorFlow, WasmKernelConfig } from './kernel-utils.js';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input.js';
import { concatConfig } from './concat.js';
import { log1pConfig } from './log1p.js';
import { splitVConfig } from './split-v.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Marks a kernel function as tame's, so a second registration recognizes it and does nothing. */
const tameKernel = Symbol.for('@tame/backend.wasmTrainingKernel');

type MarkedKernelFn = KernelFn & { [tameKernel]?: true };

function isTameKernel(config: { kernelFunc: unknown } | undefined): boolean {
  return (config?.kernelFunc as MarkedKernelFn | undefined)?.[tameKernel] === true;
}

function register(tf: TensorFlow, config: WasmKernelConfig): void {
  (config.kernelFunc as MarkedKernelFn)[tameKernel] = true;
  tf.registerKernel(config);
}

/** Kernels the wasm backend lacks: registered when absent (a kernel someone else registered first is kept). */
const missingKernels = [
  'Conv2DBackpropFilter',
  'UnsortedSegmentSum',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  // Not a tfjs kernel: @tame/core's Adam runs it where registered (one launch per variable instead of ~13).
  'TameAdamUpdate',
] as const;
/**
 * Native kernels replaced by a wrapper that keeps calling them for the shapes they handle fast, or (Log1p, inaccurate
 * for small x) that never calls them.
 */
const wrappedKernels = ['Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'Log1p', 'SplitV', 'Concat'] as const;

/** Names of the kernels registerWasmTrainingKernels registers on 'wasm'. */
export const wasmTrainingKernelNames: readonly string[] = [...missingKernels, ...wrappedKernels];

/**
 * Registers on the 'wasm' backend the kernels training needs that tfjs-backend-wasm lacks (Conv2DBackpropFilter,
 * UnsortedSegmentSum, the depthwise conv gradients), and replaces the native kernels that are slow (or wrong) for
 * training shapes (Conv2DBackpropInput; BatchMatMul and _FusedMatMul transposed or batched) by versions that run on
 * XNNPACK's conv/GEMM, calling the native kernel for the shapes where it is as fast; it also replaces Log1p (0 for
 * |x| < ~6e-8 natively) by an accurate one. `tf` is the `@tensorflow/tfjs` module; import
 * `@tensorflow/tfjs-backend-wasm` first. Idempotent: a second call registers nothing.
 */
export function registerWasmTrainingKernels(tf: TensorFlow): void {
  if (tf.getKernel('Conv2D', 'wasm') === undefined) {
    // Registering first would make tfjs-backend-wasm's own registration warn and replace the wrapped kernels.
    throw new Error(
      "registerWasmTrainingKernels: the wasm backend's kernels are not registered; import '@tensorflow/tfjs-backend-wasm' first"
    );
  }
  const makeMissing: Record<(typeof missingKernels)[number], () => WasmKernelConfig> = {
    Conv2DBackpropFilter: () => conv2dBackpropFilterConfig(tf),
    UnsortedSegmentSum: () => unsortedSegmentSumConfig(tf),
    DepthwiseConv2dNativeBackpropFilter: () => depthwiseConv2dBackpropFilterConfig(tf),
    DepthwiseConv2dNativeBackpropInput: () => depthwiseConv2dBackpropInputConfig(tf),
    TameAdamUpdate: () => adamUpdateConfig(tf),
  };
  for (const name of missingKernels) {
    if (tf.getKernel(name, 'wasm') === undefined) register(tf, makeMissing[name]());
  }

  const wrap = (
    name: (typeof wrappedKernels)[number],
    make: (native: WasmKernelConfig | undefined) => WasmKernelConfig | undefined
  ) => {
    const existing = tf.getKernel(name, 'wasm');
    if (isTameKernel(existing)) return;
    const config = make(existing as WasmKernelConfig | undefined);
    if (config === undefined) return;
    if (existing !== undefined) tf.unregisterKernel(name, 'wasm');
    register(tf, config);
  };
  wrap('Conv2DBackpropInput', (native) => conv2dBackpropInputConfig(tf, native));
  // The matMul wrappers run their fast cases through the native kernel: without it there is nothing to wrap.
  wrap('BatchMatMul', (native) => (native === undefined ? undefined : batchMatMulConfig(tf, native)));
  wrap('_FusedMatMul', (native) => (native === undefined ? undefined : fusedMatMulConfig(tf, native)));
  wrap('Log1p', () => log1pConfig(tf));
  // Data movement copied on the heap; strings stay with the native kernels.
  wrap('SplitV', (native) => (native === undefined ? undefined : splitVConfig(tf, native)));
  wrap('Concat', (native) => (native === undefined ? undefined : concatConfig(tf, native)));
}
