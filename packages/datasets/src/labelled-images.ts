import { type DatasetInfoV1, type DatasetSplit, type DatasetV1, InvalidArgumentError } from '@tame/core';
import { createIndexedDataset } from './indexed-dataset.js';
import type { ExampleSource } from './example-source.js';

/**
 * One split of a labelled image collection held in memory, as 8-bit pixels (IDX, CIFAR-10) or floats (the
 * embedded digits). Values read out are in [0, 1]. The derived datasets combine examples of such a split.
 */
export interface LabelledImages {
  readonly count: number;
  /** [height, width, channels]. */
  readonly shape: readonly [number, number, number];
  readonly labels: Int32Array;
  /** Writes example `index` (values in [0, 1], row-major HWC) into `target` from `offset`. */
  copyImage(index: number, target: Float32Array, offset: number): void;
}

export interface LabelledImageSplits {
  readonly name: string;
  /** Number of classes (labels are 0..classCount-1). */
  readonly classCount: number;
  readonly train: LabelledImages;
  readonly test: LabelledImages;
}

function checkLabels(labels: Int32Array, count: number): void {
  if (labels.length !== count) throw new InvalidArgumentError('labels', `${labels.length} labels for ${count} images`);
}

/** Images stored as floats in [0, 1], example after example. */
export function labelledImagesFromFloats(values: Float32Array, labels: Int32Array, shape: readonly [number, number, number]): LabelledImages {
  const size = shape[0] * shape[1] * shape[2];
  if (values.length % size !== 0) throw new InvalidArgumentError('values', `length ${values.length} is not a multiple of the image size ${size}`);
  checkLabels(labels, values.length / size);
  return {
    count: values.length / size,
    shape,
    labels,
    copyImage: (index, target, offset) => target.set(values.subarray(index * size, (index + 1) * size), offset),
  };
}

/** Images stored as bytes 0..255 (IDX files), scaled to [0, 1] when read: 4x less memory than floats. */
export function labelledImagesFromBytes(bytes: Uint8Array, labels: Int32Array, shape: readonly [number, number, number]): LabelledImages {
  const size = shape[0] * shape[1] * shape[2];
  if (bytes.length % size !== 0) throw new InvalidArgumentError('bytes', `length ${bytes.length} is not a multiple of the image size ${size}`);
  checkLabels(labels, bytes.length / size);
  return {
    count: bytes.length / size,
    shape,
    labels,
    copyImage(index, target, offset) {
      const start = index * size;
      for (let pixel = 0; pixel < size; pixel += 1) target[offset + pixel] = (bytes[start + pixel] as number) / 255;
    },
  };
}

/** Example indices of each class: `result[label]` lists the examples with that label, ascending. */
export function indicesByLabel(images: LabelledImages, classCount: number): Int32Array[] {
  const counts = new Int32Array(classCount);
  for (const label of images.labels) counts[label] = (counts[label] as number) + 1;
  const lists = Array.from(counts, (count) => new Int32Array(count));
  const filled = new Int32Array(classCount);
  images.labels.forEach((label, index) => {
    (lists[label] as Int32Array)[filled[label] as number] = index;
    filled[label] = (filled[label] as number) + 1;
  });
  return lists;
}

/** Random-access source over one split, with labels. */
export function labelledImagesSource(images: LabelledImages): ExampleSource {
  const size = images.shape[0] * images.shape[1] * images.shape[2];
  return {
    count: images.count,
    read(indices) {
      const inputs = new Float32Array(indices.length * size);
      indices.forEach((example, row) => images.copyImage(example, inputs, row * size));
      return { inputs, labels: Int32Array.from(indices, (example) => images.labels[example] as number) };
    },
  };
}

/** The dataset of a labelled image collection: inputs are the images, labels the classes. */
export function labelledImagesDataset(splits: LabelledImageSplits, id: string, info?: Partial<DatasetInfoV1>): DatasetV1 {
  const sources = { train: labelledImagesSource(splits.train), test: labelledImagesSource(splits.test) } satisfies Record<DatasetSplit, ExampleSource>;
  return createIndexedDataset({
    id,
    info: {
      name: splits.name,
      count: { train: splits.train.count, test: splits.test.count },
      shape: splits.train.shape,
      classCount: splits.classCount,
      range: [0, 1],
      ...info,
    },
    splits: sources,
  });
}
