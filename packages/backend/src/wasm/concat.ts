// Concat for the wasm backend: each input copied straight into the output on the heap (heap-copy.ts says why).
import type { TensorInfo } from '@tensorflow/tfjs';
import { aroundAxis, copyRuns, isHeapBackend } from './heap-copy.js';
import type { KernelArgs, KernelFn, TensorFlow, WasmKernelConfig } from './kernel-utils.js';

/**
 * Replaces the native Concat for two or more non-empty numeric inputs; strings, a single non-empty input (native's
 * identity) and empty outputs go to `native`.
 */
export function concatConfig(tf: TensorFlow, native: WasmKernelConfig): WasmKernelConfig {
  const kernelFunc: KernelFn = (args: KernelArgs) => {
    const { backend, attrs } = args;
    const inputs = Object.values(args.inputs) as TensorInfo[];
    const first = inputs[0];
    const nonEmpty = inputs.filter((input) => tf.util.sizeFromShape(input.shape) > 0);
    if (first === undefined || nonEmpty.length < 2 || first.dtype === 'string' || first.dtype === 'complex64' || !isHeapBackend(backend)) {
      return native.kernelFunc(args as never);
    }
    const axis = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, first.shape)[0]!;
    tf.backend_util.assertParamsConsistent(inputs.map((input) => input.shape), axis);
    const outShape = tf.backend_util.computeOutShape(inputs.map((input) => input.shape), axis);
    const output = backend.makeOutput(outShape, first.dtype);
    const target = backend.typedArrayFromHeap(output);
    const { outer, inner } = aroundAxis(outShape, axis);
    const targetStride = outShape[axis]! * inner;
    let begin = 0;
    for (const input of nonEmpty) {
      const runLength = input.shape[axis]! * inner;
      copyRuns(backend.typedArrayFromHeap(input), 0, runLength, target, begin * inner, targetStride, outer, runLength);
      begin += input.shape[axis]!;
    }
    return output;
  };
  return { kernelName: 'Concat', backendName: 'wasm', kernelFunc };
}
