// Small helpers shared by tame's wasm training kernels.
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, Tensor, Tensor4D, TensorInfo } from '@tensorflow/tfjs';
import { copyRuns, isHeapBackend } from './heap-copy.js';

/** The `@tensorflow/tfjs` union module, passed in so the kernels use the caller's single TensorFlow.js instance. */
export type TensorFlow = typeof import('@tensorflow/tfjs');

/** What a registered kernel function receives. */
export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: unknown;
  attrs?: NamedAttrMap;
}

export type KernelFn = (args: KernelArgs) => TensorInfo | TensorInfo[];

export type WasmKernelConfig = KernelConfig & { kernelFunc: KernelFn };

/**
 * The engine hands kernels their inputs as Tensors; a TensorInfo (from a direct kernel call) is wrapped in a Tensor
 * that shares its data and is released by the enclosing tf.tidy.
 */
export function asTensor<T extends Tensor = Tensor>(tf: TensorFlow, info: TensorInfo | undefined, name: string): T {
  if (info == null) throw new Error(`missing input '${name}'`);
  if (info instanceof tf.Tensor) return info as T;
  // The wrapper owns one more reference to the data, so that disposing it leaves the caller's data alive.
  (tf.backend() as unknown as { incRef(dataId: object): void }).incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}


/**
 * x[:, rowOffset : rowOffset + height, colOffset : colOffset + width, :] copied straight from the wasm heap, one
 * contiguous run of width*C values per row. tfjs-backend-wasm's Slice kernel first copies its whole input out of the
 * heap (readSync) and then copies runs of C values: for C = 1 that is one typed-array call per value (~2 ms for a
 * [64, 30, 30, 1] -> [64, 28, 28, 1] crop, ~0.1 ms here). Falls back to tf.slice on other backends.
 */
export function crop4d(
  tf: TensorFlow,
  backend: unknown,
  x: Tensor4D,
  rowOffset: number,
  colOffset: number,
  height: number,
  width: number
): Tensor4D {
  const [batch, rows, cols, channels] = x.shape;
  if (rowOffset === 0 && colOffset === 0 && height === rows && width === cols) return x;
  if (!isHeapBackend(backend) || x.dtype !== 'float32' || rowOffset + height > rows || colOffset + width > cols) {
    return tf.slice(x, [0, rowOffset, colOffset, 0], [batch, height, width, channels]);
  }
  const out = backend.makeOutput([batch, height, width, channels], x.dtype);
  // Views are taken after the allocation, which may have grown (and so replaced) the heap's buffer.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const run = width * channels;
  for (let b = 0; b < batch; b++) {
    const start = ((b * rows + rowOffset) * cols + colOffset) * channels;
    copyRuns(source, start, cols * channels, target, b * height * run, run, height, run);
  }
  return tf.engine().makeTensorFromTensorInfo(out) as Tensor4D;
}

/** Normalizes a stride/dilation attribute (a number or a [h, w] pair) to a pair. */
export function pair(value: unknown, name: string): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  if (value == null) return [1, 1];
  throw new Error(`expected ${name} to be a number or a pair of numbers, got ${JSON.stringify(value)}`);
}

/** Attributes every depthwise-conv gradient kernel receives. */
export interface DepthwiseConvGeometryAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The forward geometry of depthwiseConv2d(x: inputShape, W: filterShape), after checking that dilations are 1 (the
 * only case tame's kernels implement) and that dy has the forward output's shape. Errors name the kernel.
 */
export function depthwiseConvGeometry(
  tf: TensorFlow,
  kernelName: string,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  dy: Tensor4D,
  attrs: DepthwiseConvGeometryAttrs
) {
  const [dilationH, dilationW] = pair(attrs.dilations ?? 1, 'dilations');
  if (dilationH !== 1 || dilationW !== 1) {
    throw new Error(`tame wasm ${kernelName}: dilations must be 1, got ${JSON.stringify(attrs.dilations)}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode,
    true
  );
  if (dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth || dy.shape[3] !== info.outChannels) {
    throw new Error(
      `tame wasm ${kernelName}: dy shape [${dy.shape.join(', ')}] does not match the forward ` +
        `output [${inputShape[0]}, ${info.outHeight}, ${info.outWidth}, ${info.outChannels}]`
    );
  }
  return info;
}
