// SplitV for the wasm backend: each output copied straight from the heap (heap-copy.ts says why).
import type { TensorInfo } from '@tensorflow/tfjs';
import { aroundAxis, copyRuns, isHeapBackend } from './heap-copy.js';
import type { KernelArgs, KernelFn, TensorFlow, WasmKernelConfig } from './kernel-utils.js';

/** Replaces the native SplitV for numeric dtypes; strings (and backends without heap access) go to `native`. */
export function splitVConfig(tf: TensorFlow, native: WasmKernelConfig): WasmKernelConfig {
  const kernelFunc: KernelFn = (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo | undefined;
    if (x == null) throw new Error("tame wasm SplitV: missing input 'x'");
    if (x.dtype === 'string' || x.dtype === 'complex64' || !isHeapBackend(backend)) return native.kernelFunc(args as never);
    const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const splitAxis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as never, numOrSizeSplits, splitAxis);
    const outputs = sizes.map((size) => backend.makeOutput(x.shape.map((extent, dimension) => (dimension === splitAxis ? size : extent)), x.dtype));
    // Views after every allocation: an allocation may grow the heap and detach earlier views.
    const source = backend.typedArrayFromHeap(x);
    const { outer, inner } = aroundAxis(x.shape, splitAxis);
    const sourceStride = x.shape[splitAxis]! * inner;
    let begin = 0;
    outputs.forEach((output, index) => {
      const runLength = sizes[index]! * inner;
      copyRuns(source, begin * inner, sourceStride, backend.typedArrayFromHeap(output), 0, runLength, outer, runLength);
      begin += sizes[index]!;
    });
    return outputs;
  };
  return { kernelName: 'SplitV', backendName: 'wasm', kernelFunc };
}
