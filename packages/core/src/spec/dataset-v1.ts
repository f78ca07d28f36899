import type { BatchV1 } from './batch-v1.js';
import type { PluginV1 } from './plugin-v1.js';

export type DatasetSplit = 'train' | 'test';

export interface DatasetInfoV1 {
  readonly name: string;
  /** Examples per split. */
  readonly count: Readonly<Record<DatasetSplit, number>>;
  /** Shape of one example of `inputs`, e.g. [28, 28, 1]. */
  readonly shape: readonly number[];
  /** Shape of one example of `context` for conditional datasets. */
  readonly contextShape?: readonly number[];
  /** Number of label classes for labelled datasets. */
  readonly classCount?: number;
  /** Range of the input values, e.g. [0, 1]. */
  readonly range: readonly [number, number];
}

export interface DatasetBatchesOptionsV1 {
  readonly split: DatasetSplit;
  readonly batchSize: number;
  /** Seed of the shuffle; the order of epoch e is a function of (seed, e) only. */
  readonly seed: number;
  readonly epoch: number;
  /** Skip this many batches of the epoch (resume); datasets should do it without decoding them. */
  readonly startBatch?: number;
  /** Default true for 'train', false for 'test'. */
  readonly shuffle?: boolean;
  /** Drop the last incomplete batch. Default true for 'train', false for 'test'. */
  readonly dropRemainder?: boolean;
}

export interface DatasetV1 {
  readonly specificationVersion: 'v1';
  readonly id: string;
  readonly info: DatasetInfoV1;
  /** One epoch of batches; the consumer disposes each batch's tensors. */
  batches(options: DatasetBatchesOptionsV1): AsyncIterable<BatchV1>;
  dispose(): void;
}

export type DatasetPluginV1<CONFIG = unknown> = PluginV1<'dataset', CONFIG, DatasetV1>;
