// Strided copies inside the wasm heap, for the kernels that only move data (SplitV, Concat, crop4d). tfjs-backend-wasm 4.22's
// SplitV slices through its Slice kernel, which copies the whole input out of the heap (readSync) for every output
// and then walks it element by element (3.3 ms to split [64, 7, 7, 64] in 4 along the channels, ConvDRAW's gates);
// its Concat copies each run through a new subarray (0.8 ms to join 4 x [64, 7, 7, 16]).
import type { TensorInfo } from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's BackendWasm these copies use. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export function isHeapBackend(backend: unknown): backend is HeapBackend {
  const candidate = backend as Partial<HeapBackend> | null;
  return typeof candidate?.makeOutput === 'function' && typeof candidate.typedArrayFromHeap === 'function';
}

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Copies `runs` runs of `runLength` values: run r from source[sourceStart + r * sourceStride ...] to
 * target[targetStart + r * targetStride ...]. Both are views of the one wasm heap, so each run is one copyWithin on a
 * view of the whole heap: a memmove, bit for bit (NaN payloads included), with no subarray allocated per run.
 */
export function copyRuns(source: Values, sourceStart: number, sourceStride: number, target: Values, targetStart: number, targetStride: number, runs: number, runLength: number): void {
  if (source.buffer !== target.buffer || source.BYTES_PER_ELEMENT !== target.BYTES_PER_ELEMENT) {
    throw new Error('tame wasm copyRuns: source and target must be views of the same heap with the same element size');
  }
  const width = source.BYTES_PER_ELEMENT;
  const heap = width === 1 ? new Uint8Array(source.buffer) : new Int32Array(source.buffer);
  const from = source.byteOffset / width + sourceStart;
  const to = target.byteOffset / width + targetStart;
  for (let run = 0; run < runs; run++) {
    const begin = from + run * sourceStride;
    heap.copyWithin(to + run * targetStride, begin, begin + runLength);
  }
}

/** Values before `axis` (the runs) and after it (each run's unit), for a tensor of `shape`. */
export function aroundAxis(shape: readonly number[], axis: number): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let dimension = 0; dimension < shape.length; dimension++) {
    if (dimension < axis) outer *= shape[dimension]!;
    else if (dimension > axis) inner *= shape[dimension]!;
  }
  return { outer, inner };
}
