import { type DatasetV1, InvalidArgumentError, seededPermutation } from '@tame/core';
import { createArraySource } from '../example-source.js';
import { createIndexedDataset } from '../indexed-dataset.js';
import type { LabelledImageSplits } from '../labelled-images.js';
import { mixSeed } from '../random/seeded-random.js';

export interface MicroMnistOptions {
  /** Which examples are picked. Default 0. */
  readonly seed?: number;
  /** Number of examples. Default 7 (Appendix E). */
  readonly count?: number;
}

/**
 * Micro-MNIST (Appendix E): `count` (7) random examples of the base's train split. The dataset is those examples:
 * the test split holds the same ones, since the experiment studies how the posterior tiles these few points.
 */
export function createMicroMnistDataset(base: LabelledImageSplits, options: MicroMnistOptions = {}): DatasetV1 {
  const count = options.count ?? 7;
  if (!Number.isInteger(count) || count < 1 || count > base.train.count) {
    throw new InvalidArgumentError('count of micro-mnist', `${count}; expected an integer in [1, ${base.train.count}] (the base's train examples)`);
  }
  const [height, width, channels] = base.train.shape;
  const size = height * width * channels;
  const picked = seededPermutation(base.train.count, mixSeed(options.seed ?? 0, 7)).slice(0, count);
  const values = new Float32Array(count * size);
  picked.forEach((example, row) => base.train.copyImage(example, values, row * size));
  const labels = Int32Array.from(picked, (example) => base.train.labels[example] as number);
  const source = createArraySource({ values, exampleSize: size, labels });
  return createIndexedDataset({
    id: '@tame/datasets/micro-mnist',
    info: { name: 'micro-mnist', count: { train: count, test: count }, shape: base.train.shape, classCount: base.classCount, range: [0, 1] },
    splits: { train: source, test: source },
  });
}
