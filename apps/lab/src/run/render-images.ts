import * as tf from '@tensorflow/tfjs-core';
import type { DatasetV1, ModelV1 } from '@tame/core';
import { imageGrid } from '../report/image-grid.js';
import { encodePng } from '../report/png.js';

const imageScale = (shape: readonly number[]) => Math.max(1, Math.round(56 / (shape[0] ?? 28)));

/**
 * Test images and their reconstructions (posterior mean), in rows of `columns`: a row of data, then the row of its
 * reconstructions. Conditional models reconstruct their target given the context.
 */
export async function renderReconstructions(model: ModelV1, dataset: DatasetV1, options: { count?: number; columns?: number } = {}): Promise<Buffer> {
  const count = options.count ?? 32;
  const [batch] = await takeBatches(dataset, count);
  const columns = Math.min(options.columns ?? 8, batch!.inputs.shape[0]!);
  try {
    const shape = dataset.info.shape;
    const interleaved = tf.tidy(() => {
      const output = model.forward(batch!, { seed: 0, training: false });
      const rows = Math.ceil(batch!.inputs.shape[0]! / columns);
      const parts: tf.Tensor[] = [];
      for (let row = 0; row < rows; row += 1) {
        const start = row * columns;
        const size = Math.min(columns, batch!.inputs.shape[0]! - start);
        parts.push(tf.slice(batch!.inputs, start, size), tf.slice(output.reconstruction, start, size));
      }
      return tf.concat(parts, 0);
    });
    const values = (await interleaved.data()) as Float32Array;
    const grid = imageGrid(values, interleaved.shape, { columns, range: dataset.info.range, scale: imageScale(shape) });
    interleaved.dispose();
    return encodePng(grid);
  } finally {
    tf.dispose([batch!.inputs, batch!.context, batch!.labels].filter((tensor) => tensor !== undefined));
  }
}

/** Samples from the prior; conditional models are given the contexts of the first test examples. */
export async function renderSamples(model: ModelV1, dataset: DatasetV1, options: { count?: number; seed?: number } = {}): Promise<Buffer> {
  const count = options.count ?? 64;
  let context: tf.Tensor | undefined;
  if (dataset.info.contextShape !== undefined) {
    const [batch] = await takeBatches(dataset, count);
    context = batch!.context;
    tf.dispose([batch!.inputs, batch!.labels].filter((tensor) => tensor !== undefined));
  }
  const samples = model.sample({ count: context?.shape[0] ?? count, seed: options.seed ?? 1, ...(context === undefined ? {} : { context }) });
  context?.dispose();
  const values = (await samples.data()) as Float32Array;
  const grid = imageGrid(values, samples.shape, { range: dataset.info.range, scale: imageScale(dataset.info.shape) });
  samples.dispose();
  return encodePng(grid);
}

async function takeBatches(dataset: DatasetV1, count: number) {
  const batches = [];
  for await (const batch of dataset.batches({ split: 'test', batchSize: Math.min(count, dataset.info.count.test), seed: 0, epoch: 0, shuffle: false })) {
    batches.push(batch);
    break;
  }
  if (batches.length === 0) throw new Error(`dataset ${dataset.info.name} has no test examples to show`);
  return batches;
}
