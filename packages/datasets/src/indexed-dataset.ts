import * as tf from '@tensorflow/tfjs-core';
import {
  type BatchV1,
  type DatasetBatchesOptionsV1,
  type DatasetInfoV1,
  type DatasetSplit,
  type DatasetV1,
  InvalidArgumentError,
  seededPermutation,
} from '@tame/core';
import type { ExampleBlock, ExampleSource } from './example-source.js';

export interface IndexedDatasetOptions {
  /** Plugin-style id, e.g. '@tame/datasets/celeba'. */
  readonly id: string;
  readonly info: DatasetInfoV1;
  readonly splits: Readonly<Record<DatasetSplit, ExampleSource>>;
  /**
   * Start reading batch k + 1 before batch k is handed out (default true). Helps sources whose `read` waits on
   * files (CelebA); a synchronous source gains nothing and is read on demand either way.
   */
  readonly prefetch?: boolean;
  /** Frees what the sources hold (file handles, workers). */
  readonly dispose?: () => void;
}

/** The shuffle seed of an epoch; the same mixing as core's array dataset, so both give the same order. */
export function epochShuffleSeed(seed: number, epoch: number): number {
  return (seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
}

/** Order of the examples of one epoch: a function of (seed, epoch) only. */
export function epochOrder(count: number, seed: number, epoch: number, shuffle: boolean): Int32Array {
  return shuffle ? seededPermutation(count, epochShuffleSeed(seed, epoch)) : Int32Array.from({ length: count }, (_, index) => index);
}

function checkBatchOptions(name: string, options: DatasetBatchesOptionsV1, total: number, drop: boolean): void {
  const { batchSize, startBatch = 0, split } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError(`batchSize of dataset '${name}'`, `${batchSize}; expected a positive integer`);
  }
  if (!Number.isInteger(startBatch) || startBatch < 0) {
    throw new InvalidArgumentError(`startBatch of dataset '${name}'`, `${startBatch}; expected a non-negative integer`);
  }
  if (drop && total > 0 && batchSize > total) {
    // An epoch without a single batch would make a trainer loop forever or silently train on nothing.
    throw new InvalidArgumentError(
      `batchSize of dataset '${name}'`,
      `${batchSize} exceeds the ${total} examples of split '${split}', so dropping the incomplete batch leaves no batch; use a batch size <= ${total} or dropRemainder: false`,
    );
  }
}

function checkBlock(name: string, block: ExampleBlock, size: number, exampleSize: number, contextSize: number | undefined): void {
  const problems: string[] = [];
  if (block.inputs.length !== size * exampleSize) problems.push(`${block.inputs.length} input values for ${size} examples of size ${exampleSize}`);
  if (contextSize !== undefined && block.context?.length !== size * contextSize) problems.push(`context missing or of the wrong length`);
  if (block.labels !== undefined && block.labels.length !== size) problems.push(`${block.labels.length} labels for ${size} examples`);
  if (problems.length > 0) throw new InvalidArgumentError(`source of dataset '${name}'`, problems.join('; '));
}

/**
 * A DatasetV1 over random-access sources: seeded shuffle per epoch (the order of epoch e depends on (seed, e)
 * only, identical to core's array dataset), `startBatch` skips batches without reading them, and the next batch is
 * read while the current one is in use. Tensors are created only when a batch is handed out, so a consumer that
 * stops early leaks nothing.
 */
export function createIndexedDataset(options: IndexedDatasetOptions): DatasetV1 {
  const { info, splits } = options;
  const exampleSize = info.shape.reduce((product, size) => product * size, 1);
  const contextSize = info.contextShape?.reduce((product, size) => product * size, 1);
  return {
    specificationVersion: 'v1',
    id: options.id,
    info,
    async *batches(batchOptions): AsyncGenerator<BatchV1> {
      const { split, batchSize, seed, epoch, startBatch = 0 } = batchOptions;
      const source = splits[split];
      const total = source.count;
      const drop = batchOptions.dropRemainder ?? split === 'train';
      checkBatchOptions(info.name, batchOptions, total, drop);
      const order = epochOrder(total, seed, epoch, batchOptions.shuffle ?? split === 'train');
      const batchCount = drop ? Math.floor(total / batchSize) : Math.ceil(total / batchSize);
      const read = (batch: number) => {
        const start = batch * batchSize;
        return source.read(order.subarray(start, Math.min(total, start + batchSize)));
      };
      const prefetch = options.prefetch ?? true;
      let pending: ExampleBlock | Promise<ExampleBlock> | undefined = startBatch < batchCount ? read(startBatch) : undefined;
      for (let batch = startBatch; batch < batchCount; batch += 1) {
        const waited = pending instanceof Promise;
        const block = await (pending as ExampleBlock | Promise<ExampleBlock>);
        pending = undefined;
        const next = batch + 1;
        // Read ahead only from a source that waits (files); a synchronous one is read when asked.
        if (prefetch && waited && next < batchCount) {
          pending = read(next);
          // The consumer may stop before it awaits this: keep a failure from becoming an unhandled rejection.
          if (pending instanceof Promise) pending.catch(() => {});
        }
        const size = Math.min(batchSize, total - batch * batchSize);
        checkBlock(info.name, block, size, exampleSize, contextSize);
        yield {
          inputs: tf.tensor(block.inputs, [size, ...info.shape], 'float32'),
          ...(block.context !== undefined && info.contextShape !== undefined
            ? { context: tf.tensor(block.context, [size, ...info.contextShape], 'float32') }
            : {}),
          ...(block.labels !== undefined ? { labels: tf.tensor1d(block.labels, 'int32') } : {}),
        };
        if (pending === undefined && next < batchCount) pending = read(next);
      }
    },
    dispose() {
      options.dispose?.();
    },
  };
}
