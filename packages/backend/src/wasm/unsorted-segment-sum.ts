// UnsortedSegmentSum for the wasm backend, which does not register it. It is the gradient of gather (GatherV2):
// embeddings, index-based lookups and tf.gather in a loss all need it to train.
//
// Formula: out[s, ...] = sum_{i : ids[i] = s} x[i, ...], a scatter-add. The wasm ScatterNd kernel accumulates
// duplicate indices, so out = scatterND(ids[:, None], x, [numSegments, ...]). Ids outside [0, numSegments) are
// dropped as in TensorFlow: they are routed to one extra segment that is sliced off.
// Segment ids of rank r > 1 index the first r dimensions of x (TensorFlow semantics); they are flattened first.
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { asTensor, type KernelArgs, type TensorFlow, type WasmKernelConfig } from './kernel-utils.js';

/** Scatter-add of x's rows into numSegments rows by segment id. Call inside tf.tidy. */
export function unsortedSegmentSum(tf: TensorFlow, x: Tensor, segmentIds: Tensor, numSegments: number): Tensor {
  const idsRank = segmentIds.rank;
  const rows = segmentIds.size;
  const inner = x.shape.slice(idsRank);
  if (x.shape.slice(0, idsRank).some((d, i) => d !== segmentIds.shape[i])) {
    throw new Error(
      `tame wasm UnsortedSegmentSum: segmentIds shape [${segmentIds.shape.join(', ')}] must be a prefix of ` +
        `x shape [${x.shape.join(', ')}]`
    );
  }
  const ids = tf.reshape(segmentIds, [rows]) as Tensor1D;
  const values = tf.reshape(x, [rows, ...inner]);
  const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
  const routed = tf.where(valid, ids, tf.fill([rows], numSegments, 'int32'));
  const summed = tf.scatterND(tf.reshape(routed, [rows, 1]) as Tensor2D, values, [numSegments + 1, ...inner]);
  return tf.slice(summed, 0, numSegments);
}

export function unsortedSegmentSumConfig(tf: TensorFlow): WasmKernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }: KernelArgs) =>
      tf.tidy(() =>
        unsortedSegmentSum(
          tf,
          asTensor(tf, inputs.x, 'x'),
          asTensor(tf, inputs.segmentIds, 'segmentIds'),
          (attrs as { numSegments: number }).numSegments
        )
      ),
  };
}
