import { createCirclesDataset, createLinesDataset, createTwoBlobsDataset } from '@tame/datasets';
import type { DatasetV1 } from '@tame/core';
import * as tf from '@tensorflow/tfjs-core';
import type { PointSet } from './fixed-points.js';

/** The 2-D toys of Figures 2 and 7, from @tame/datasets with their default shapes. */
export const toyDataNames = ['two-blobs', 'lines', 'circles'] as const;
export type ToyDataName = (typeof toyDataNames)[number];

export const isToyDataName = (name: string): name is ToyDataName => (toyDataNames as readonly string[]).includes(name);

const creators: Record<ToyDataName, (options: { seed: number }) => DatasetV1> = {
  'two-blobs': createTwoBlobsDataset,
  lines: createLinesDataset,
  circles: createCirclesDataset,
};

/** Every example of a split, in order, as float64 points (one batch; reads through the active tfjs backend). */
export async function readAllPoints(dataset: DatasetV1, split: 'train' | 'test' = 'train'): Promise<PointSet> {
  const count = dataset.info.count[split];
  const dimension = dataset.info.shape.reduce((product, size) => product * size, 1);
  const points = new Float64Array(count * dimension);
  let offset = 0;
  for await (const batch of dataset.batches({ split, batchSize: Math.max(1, count), seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
    const values = await batch.inputs.data();
    points.set(values, offset);
    offset += values.length;
    tf.dispose([batch.inputs, ...(batch.context === undefined ? [] : [batch.context]), ...(batch.labels === undefined ? [] : [batch.labels])]);
  }
  return { points, dimension };
}

/** The train split of a toy (default sizes: two-blobs 200 points, lines 300, circles 300), seeded. */
export async function loadToyPoints(name: ToyDataName, seed = 0): Promise<PointSet> {
  const dataset = creators[name]({ seed });
  try {
    return await readAllPoints(dataset);
  } finally {
    dataset.dispose();
  }
}
