// Test helpers (not exported by the package): read a dataset's examples back as plain arrays.
import * as tf from '@tensorflow/tfjs-core';
import type { DatasetSplit, DatasetV1 } from '@tame/core';
import type { LabelledImages } from '../labelled-images.js';

export interface ReadExample {
  readonly inputs: Float32Array;
  readonly context?: Float32Array;
  readonly label?: number;
}

/** The examples of a split in storage order (no shuffle), at most `limit`. */
export async function readExamples(dataset: DatasetV1, split: DatasetSplit, limit = Infinity): Promise<ReadExample[]> {
  const examples: ReadExample[] = [];
  const size = dataset.info.shape.reduce((product, value) => product * value, 1);
  const contextSize = dataset.info.contextShape?.reduce((product, value) => product * value, 1) ?? 0;
  for await (const batch of dataset.batches({ split, batchSize: 50, seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
    const inputs = batch.inputs.dataSync() as Float32Array;
    const context = batch.context?.dataSync() as Float32Array | undefined;
    const labels = batch.labels?.dataSync();
    for (let row = 0; row < (batch.inputs.shape[0] as number) && examples.length < limit; row += 1) {
      examples.push({
        inputs: inputs.slice(row * size, (row + 1) * size),
        ...(context !== undefined ? { context: context.slice(row * contextSize, (row + 1) * contextSize) } : {}),
        ...(labels !== undefined ? { label: labels[row] as number } : {}),
      });
    }
    tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    if (examples.length >= limit) break;
  }
  return examples;
}

/** Channel `channel` of an HWC image with `channels` channels. */
export function channelOf(image: Float32Array, channels: number, channel: number): Float32Array {
  return Float32Array.from({ length: image.length / channels }, (_, pixel) => image[pixel * channels + channel] as number);
}

/** The exact float32 contents as a string (images compare bit for bit). */
export function imageKey(image: Float32Array): string {
  return Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString('base64');
}

/** Map from image content to the indices of the examples that look like it. */
export function indexImages(images: LabelledImages): Map<string, number[]> {
  const size = images.shape[0] * images.shape[1] * images.shape[2];
  const map = new Map<string, number[]>();
  const buffer = new Float32Array(size);
  for (let index = 0; index < images.count; index += 1) {
    images.copyImage(index, buffer, 0);
    const key = imageKey(buffer);
    map.set(key, [...(map.get(key) ?? []), index]);
  }
  return map;
}
