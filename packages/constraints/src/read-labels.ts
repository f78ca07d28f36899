import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';

/** Throws unless `labels` are integers in [0, classCount), naming `owner`; returns them as an Int32Array. */
export function readLabels(owner: string, labels: tf.Tensor, batchSize: number, classCount: number): Int32Array {
  if (labels.rank !== 1 || labels.shape[0] !== batchSize) {
    throw new InvalidArgumentError(`${owner} labels`, `shape [${labels.shape}] is not [batch = ${batchSize}]`);
  }
  const values = labels.dataSync();
  const result = new Int32Array(values.length);
  values.forEach((value, index) => {
    if (!Number.isInteger(value) || value < 0 || value >= classCount) {
      throw new InvalidArgumentError(`${owner} labels`, `label ${value} at index ${index} is not a class id in [0, ${classCount})`);
    }
    result[index] = value;
  });
  return result;
}
