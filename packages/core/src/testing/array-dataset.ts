import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors/tame-error.js';
import type { DatasetSplit, DatasetV1 } from '../spec/dataset-v1.js';

export interface ArrayDatasetOptions {
  readonly name?: string;
  /** Flat values of all training examples, example after example. */
  readonly train: Float32Array | number[];
  readonly test?: Float32Array | number[];
  readonly shape: readonly number[];
  readonly trainLabels?: Int32Array | number[];
  readonly testLabels?: Int32Array | number[];
  readonly range?: readonly [number, number];
}

/** Fisher-Yates permutation of [0, count) driven by a seeded mulberry32 generator. */
export function seededPermutation(count: number, seed: number): Int32Array {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const order = Int32Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    const swap = order[index] as number;
    order[index] = order[other] as number;
    order[other] = swap;
  }
  return order;
}

/**
 * An in-memory dataset over typed arrays, with a seeded shuffle per epoch. The reference dataset for tests and
 * for users who already hold their data in memory.
 */
export function createArrayDataset(options: ArrayDatasetOptions): DatasetV1 {
  const exampleSize = options.shape.reduce((product, size) => product * size, 1);
  const splits: Record<DatasetSplit, { values: Float32Array; labels?: Int32Array }> = {
    train: { values: Float32Array.from(options.train), ...(options.trainLabels ? { labels: Int32Array.from(options.trainLabels) } : {}) },
    test: { values: Float32Array.from(options.test ?? []), ...(options.testLabels ? { labels: Int32Array.from(options.testLabels) } : {}) },
  };
  for (const [split, { values, labels }] of Object.entries(splits)) {
    if (values.length % exampleSize !== 0) {
      throw new InvalidArgumentError(`${split} values`, `length ${values.length} is not a multiple of the example size ${exampleSize}`);
    }
    if (labels !== undefined && labels.length !== values.length / exampleSize) {
      throw new InvalidArgumentError(`${split} labels`, `${labels.length} labels for ${values.length / exampleSize} examples`);
    }
  }
  const count = (split: DatasetSplit) => splits[split].values.length / exampleSize;
  return {
    specificationVersion: 'v1',
    id: '@tame/core/array-dataset',
    info: {
      name: options.name ?? 'array',
      count: { train: count('train'), test: count('test') },
      shape: options.shape,
      range: options.range ?? [0, 1],
    },
    async *batches({ split, batchSize, seed, epoch, startBatch = 0, shuffle, dropRemainder }) {
      const { values, labels } = splits[split];
      const total = count(split);
      const order =
        (shuffle ?? split === 'train') ? seededPermutation(total, (seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0) : Int32Array.from({ length: total }, (_, index) => index);
      const drop = dropRemainder ?? split === 'train';
      for (let start = startBatch * batchSize; start < total; start += batchSize) {
        const size = Math.min(batchSize, total - start);
        if (size < batchSize && drop) return;
        const batchValues = new Float32Array(size * exampleSize);
        const batchLabels = new Int32Array(size);
        for (let row = 0; row < size; row += 1) {
          const example = order[start + row] as number;
          batchValues.set(values.subarray(example * exampleSize, (example + 1) * exampleSize), row * exampleSize);
          if (labels !== undefined) batchLabels[row] = labels[example] as number;
        }
        yield {
          inputs: tf.tensor(batchValues, [size, ...options.shape], 'float32'),
          ...(labels !== undefined ? { labels: tf.tensor1d(batchLabels, 'int32') } : {}),
        };
      }
    },
    dispose() {},
  };
}
