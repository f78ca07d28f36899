// Sum over the leading axes on wasm (bias gradients: dy [N, H, W, C] summed to [C]; batch sums). tfjs-backend-wasm
// 4.22 reduces only innermost axes, so it first transposes the input to put them last: 1.8 ms for [64, 14, 14, 32]
// on one thread. As a product with a row of ones, ones[1, P] x x[P, C] (XNNPACK's GEMM), it takes 0.18 ms.
import type { Tensor, TensorInfo } from '@tensorflow/tfjs';
import { asTensor, type KernelArgs, type KernelFn, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

/** The number of leading axes `axes` names when it is exactly 0..k-1 for some 0 < k < rank; else 0. */
function leadingAxes(tf: TensorFlow, axis: number | number[], shape: number[]): number {
  const axes = [...tf.util.parseAxisParam(axis, shape)].sort((a, b) => a - b);
  const isPrefix = axes.every((value, index) => value === index);
  return isPrefix && axes.length > 0 && axes.length < shape.length ? axes.length : 0;
}

/** Replaces the native Sum for float32 sums over leading axes; every other sum goes to `native`. */
export function sumConfig(tf: TensorFlow, native: WasmKernelConfig): WasmKernelConfig {
  const kernelFunc: KernelFn = (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo | undefined;
    const { axis, keepDims } = (args.attrs ?? {}) as { axis: number | number[]; keepDims: boolean };
    const leading = x === undefined || x.dtype !== 'float32' ? 0 : leadingAxes(tf, axis, x.shape);
    const kept = x?.shape.slice(leading) ?? [];
    // One kept value: a [1, P] x [P, 1] product is slower than the native sum (0.29 vs 0.23 ms for [64, 28, 28, 1]).
    if (x === undefined || leading === 0 || tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(kept) === 1) return native.kernelFunc(args as never);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, leading));
    const outShape = keepDims ? [...x.shape.slice(0, leading).map(() => 1), ...kept] : kept;
    return tf.tidy((): Tensor => {
      const matrix = tf.reshape(asTensor(tf, x, 'x'), [rows, tf.util.sizeFromShape(kept)]) as import('@tensorflow/tfjs').Tensor2D;
      return tf.reshape(tf.matMul(tf.ones([1, rows]) as import('@tensorflow/tfjs').Tensor2D, matrix), outShape);
    });
  };
  return { kernelName: 'Sum', backendName: 'wasm', ...(native.setupFunc !== undefined ? { setupFunc: native.setupFunc } : {}), kernelFunc };
}
