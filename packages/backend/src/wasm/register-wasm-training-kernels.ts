// Registers on the wasm backend the kernels that training needs and tfjs-backend-wasm 4.22 lacks or runs slowly.
// See packages/backend/README.md for each kernel's formula and the measured speed.
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import type { KernelFn, TensorFlow, WasmKernelConfig } from './kernel-utils.js';
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

/** Names of the kernels registerWasmTrainingKernels registers on 'wasm'. */
export const wasmTrainingKernelNames = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'UnsortedSegmentSum'] as const;

/**
 * Registers the gradient kernels the wasm backend lacks (Conv2DBackpropFilter, UnsortedSegmentSum, ...) and replaces
 * its slow Conv2DBackpropInput by one that runs on XNNPACK's conv (keeping the native one for the shapes where it is
 * faster). Idempotent: a second call registers nothing. A kernel some other code registered first is left alone,
 * except Conv2DBackpropInput, which is wrapped.
 */
export function registerWasmTrainingKernels(tf: TensorFlow): void {
  const missing = (name: string): boolean => tf.getKernel(name, 'wasm') === undefined;

  if (missing('Conv2DBackpropFilter')) register(tf, conv2dBackpropFilterConfig(tf));
  if (missing('UnsortedSegmentSum')) register(tf, unsortedSegmentSumConfig(tf));

  const input = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!isTameKernel(input)) {
    const native = input as WasmKernelConfig | undefined;
    if (native !== undefined) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    register(tf, conv2dBackpropInputConfig(tf, native));
  }
}
