import * as tf from '@tensorflow/tfjs-core';
import type { DatasetV1, ModelV1 } from '@tame/core';
import { imageGrid } from '../report/image-grid.js';
import { encodePng } from '../report/png.js';

/** [count, height, width, channels] -> [count * channels, height, width, 1]: each channel its own grey image. */
function channelsAsImages(images: tf.Tensor4D): tf.Tensor4D {
  const [count, height, width, channels] = images.shape;
  return tf.reshape(tf.transpose(images, [0, 3, 1, 2]), [count * channels, height, width, 1]);
}

/**
 * Samples of a conditional model given test contexts: one row per context with the context (each channel as its own
 * image, e.g. the two digits of MNIST-sum), the true target, then `samplesPerContext` samples. Targets and contexts must
 * have the same height and width; colour (3-channel) data is not split.
 */
export async function renderConditionalSamples(model: ModelV1, dataset: DatasetV1, options: { contexts?: number; samplesPerContext?: number; seed?: number } = {}): Promise<Buffer> {
  const { contextShape, shape } = dataset.info;
  if (contextShape === undefined) throw new Error(`dataset ${dataset.info.name} has no context: use the unconditional samples`);
  if (contextShape.length !== 3 || contextShape[0] !== shape[0] || contextShape[1] !== shape[1]) {
    throw new Error(`renderConditionalSamples: context shape [${contextShape}] must be an image of the target's size [${shape}]`);
  }
  const contexts = options.contexts ?? 8;
  const samplesPerContext = options.samplesPerContext ?? 6;
  let batch;
  for await (const first of dataset.batches({ split: 'test', batchSize: Math.min(contexts, dataset.info.count.test), seed: 0, epoch: 0, shuffle: false })) {
    batch = first;
    break;
  }
  if (batch?.context === undefined) throw new Error(`dataset ${dataset.info.name} gave no test contexts`);
  const count = batch.inputs.shape[0] as number;
  const grid = tf.tidy(() => {
    const context = batch.context as tf.Tensor4D;
    // Sample j of every context in one call: the context repeated samplesPerContext times, example-major.
    const repeated = tf.reshape(tf.tile(tf.expandDims(context, 1), [1, samplesPerContext, 1, 1, 1]), [count * samplesPerContext, ...contextShape]);
    const samples = model.sample({ count: count * samplesPerContext, seed: options.seed ?? 1, context: repeated }) as tf.Tensor4D;
    const split = (images: tf.Tensor4D) => tf.reshape(channelsAsImages(images), [count, -1, shape[0]!, shape[1]!, 1]);
    const row = tf.concat([split(context), split(batch.inputs as tf.Tensor4D), tf.reshape(split(samples), [count, -1, shape[0]!, shape[1]!, 1])], 1);
    return row;
  });
  const columns = grid.shape[1] as number;
  const flat = tf.reshape(grid, [-1, shape[0]!, shape[1]!, 1]);
  const values = (await flat.data()) as Float32Array;
  const image = imageGrid(values, flat.shape, { columns, range: dataset.info.range, scale: 2, padding: 2 });
  tf.dispose([grid, flat, batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
  return encodePng(image);
}
