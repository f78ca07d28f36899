import * as tf from '@tensorflow/tfjs-core';
import { type DatasetSplit, type DatasetV1, InvalidArgumentError } from '@tame/core';

export interface DatasetSummary {
  readonly name: string;
  readonly count: Readonly<Record<DatasetSplit, number>>;
  /** Shape of one example of `inputs` (the target, for conditional datasets). */
  readonly shape: readonly number[];
  /** Shape of one context, for conditional datasets. */
  readonly contextShape?: readonly number[];
  /** Smallest and largest input value seen; null when no example was read. */
  readonly min: number | null;
  readonly max: number | null;
  /** Examples per label over the examples read (both splits), classes in ascending order; null when unlabelled. */
  readonly labels: Readonly<Record<string, number>> | null;
  /** Examples read per split (all of them unless `maxExamples` stopped earlier). */
  readonly examined: Readonly<Record<DatasetSplit, number>>;
}

export interface SummarizeOptions {
  /** Read at most this many examples per split (in file order), e.g. to inspect CelebA quickly. Default: all. */
  readonly maxExamples?: number;
  /** Batch size used to read. Default 500. */
  readonly batchSize?: number;
}

/**
 * What `tame data inspect` prints: name, counts, shapes, the value range actually found and the examples per class,
 * read through the dataset's own `batches` (so it checks what training would see).
 */
export async function summarizeDataset(dataset: DatasetV1, options: SummarizeOptions = {}): Promise<DatasetSummary> {
  const maxExamples = options.maxExamples ?? Infinity;
  if (!(maxExamples >= 0)) throw new InvalidArgumentError('maxExamples', `${maxExamples}; expected a non-negative number`);
  let min = Infinity;
  let max = -Infinity;
  const labelCounts = new Map<number, number>();
  let labelled = false;
  const examined: Record<DatasetSplit, number> = { train: 0, test: 0 };
  for (const split of ['train', 'test'] as const) {
    if (dataset.info.count[split] === 0 || maxExamples === 0) continue;
    const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, maxExamples, dataset.info.count[split]));
    for await (const batch of dataset.batches({ split, batchSize, seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
      const take = Math.min(batch.inputs.shape[0] as number, maxExamples - examined[split]);
      const values = batch.inputs.dataSync();
      const perExample = values.length / (batch.inputs.shape[0] as number);
      for (let index = 0; index < take * perExample; index += 1) {
        const value = values[index] as number;
        if (value < min) min = value;
        if (value > max) max = value;
      }
      if (batch.labels !== undefined) {
        labelled = true;
        const labels = batch.labels.dataSync();
        for (let index = 0; index < take; index += 1) {
          const label = labels[index] as number;
          labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
        }
      }
      examined[split] += take;
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
      if (examined[split] >= maxExamples) break;
    }
  }
  const read = examined.train + examined.test > 0;
  return {
    name: dataset.info.name,
    count: { ...dataset.info.count },
    shape: dataset.info.shape,
    ...(dataset.info.contextShape !== undefined ? { contextShape: dataset.info.contextShape } : {}),
    min: read ? min : null,
    max: read ? max : null,
    labels: labelled ? Object.fromEntries([...labelCounts.entries()].sort(([a], [b]) => a - b).map(([label, count]) => [String(label), count])) : null,
    examined,
  };
}
