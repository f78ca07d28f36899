import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type DatasetSplit, type DatasetV1, InvalidArgumentError } from '@tame/core';
import { DatasetError } from '../dataset-error.js';
import type { ExampleSource } from '../example-source.js';
import { cropAndResizeRgba } from '../image/area-resize.js';
import { createIndexedDataset } from '../indexed-dataset.js';
import { parseAttributeList, parsePartitionList } from './celeba-lists.js';
import { createJpegFileDecoder } from './jpeg-decoder.js';
import { requireDirectory } from './read-binary-file.js';

export interface CelebaOptions {
  /** The CelebA folder: list_eval_partition.txt (+ list_attr_celeba.txt) and img_align_celeba/ (or the official Eval/, Anno/, Img/ layout). */
  readonly directory: string;
  /** Output side in pixels, 32 or 64. Default 64. */
  readonly size?: 32 | 64;
  /** Side of the centred square cropped from each 178x218 aligned image before resizing. Default 148. */
  readonly cropSize?: number;
  /** A column of list_attr_celeba.txt (e.g. 'Smiling') to use as labels: 1 where the attribute is 1, else 0. */
  readonly attribute?: string;
  /** Worker threads that read and decode JPEGs (0: the main thread). Default: min(4, cores - 1). */
  readonly workers?: number;
  /** Read the next batch while the current one is in use. Default true. */
  readonly prefetch?: boolean;
}

function firstExisting(directory: string, candidates: readonly string[]): string | undefined {
  return candidates.map((candidate) => join(directory, candidate)).find((path) => existsSync(path));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatasetError('missing-file', path, `cannot be read (${(error as Error).message})`, { cause: error });
  }
}

/**
 * CelebA's aligned faces, streamed: the file lists are read when the dataset opens (and every listed image is checked
 * to exist), the JPEGs are decoded per batch. Train = partition 0, test = partition 2 (the validation partition 1
 * is not used). Each image is centre-cropped to cropSize x cropSize and area-resized to size x size; [size, size, 3]
 * in [0, 1].
 */
export function loadCelebaDataset(options: CelebaOptions): DatasetV1 {
  const { directory } = options;
  const size = options.size ?? 64;
  const cropSize = options.cropSize ?? 148;
  if (size !== 32 && size !== 64) throw new InvalidArgumentError('size of celeba', `${size}; expected 32 or 64`);
  if (!Number.isInteger(cropSize) || cropSize < 1) throw new InvalidArgumentError('cropSize of celeba', `${cropSize}; expected a positive integer`);
  requireDirectory(directory, 'expected the CelebA folder with list_eval_partition.txt and img_align_celeba/');
  const partitionPath = firstExisting(directory, ['list_eval_partition.txt', join('Eval', 'list_eval_partition.txt')]);
  if (partitionPath === undefined) {
    throw new DatasetError('missing-file', join(directory, 'list_eval_partition.txt'), 'file not found (also tried Eval/list_eval_partition.txt); CelebA needs its partition list');
  }
  const partition = parsePartitionList(readText(partitionPath), partitionPath);
  const firstImage = partition.images[0] as string;
  const imageDirectory =
    [join(directory, 'img_align_celeba'), join(directory, 'Img', 'img_align_celeba'), directory].find((folder) => existsSync(join(folder, firstImage))) ??
    join(directory, 'img_align_celeba');
  requireDirectory(imageDirectory, `the images listed in ${partitionPath} belong in img_align_celeba/`);
  const present = new Set(readdirSync(imageDirectory));
  const absent = partition.images.filter((image) => !present.has(image));
  if (absent.length > 0) {
    throw new DatasetError(
      'missing-file',
      join(imageDirectory, absent[0] as string),
      `image file not found: ${absent.length} of the ${partition.images.length} images listed in ${partitionPath} are missing from ${imageDirectory} (first: ${absent.slice(0, 3).join(', ')})`,
    );
  }
  let labelOf: ((image: string) => number) | undefined;
  if (options.attribute !== undefined) {
    const attributePath = firstExisting(directory, ['list_attr_celeba.txt', join('Anno', 'list_attr_celeba.txt')]);
    if (attributePath === undefined) {
      throw new DatasetError('missing-file', join(directory, 'list_attr_celeba.txt'), `file not found (also tried Anno/list_attr_celeba.txt); needed for the attribute '${options.attribute}'`);
    }
    const attributes = parseAttributeList(readText(attributePath), attributePath);
    const column = attributes.attributeNames.indexOf(options.attribute);
    if (column < 0) {
      throw new DatasetError('invalid-id', attributePath, `no attribute '${options.attribute}'; the attributes are ${attributes.attributeNames.join(', ')}`);
    }
    const unlabelled = partition.images.find((image) => !attributes.values.has(image));
    if (unlabelled !== undefined) {
      throw new DatasetError('count-mismatch', attributePath, `has no row for ${unlabelled}, which ${partitionPath} lists`);
    }
    labelOf = (image) => ((attributes.values.get(image) as Int8Array)[column] === 1 ? 1 : 0);
  }
  const decoder = createJpegFileDecoder({ workers: options.workers ?? Math.max(0, Math.min(4, availableParallelism() - 1)) });
  const exampleSize = size * size * 3;
  const source = (partitionId: number): ExampleSource => {
    const files = partition.images.filter((_, index) => partition.partitions[index] === partitionId);
    const labels = labelOf === undefined ? undefined : Int32Array.from(files, labelOf);
    return {
      count: files.length,
      async read(indices) {
        const inputs = new Float32Array(indices.length * exampleSize);
        await Promise.all(
          Array.from(indices, async (index, row) => {
            const path = join(imageDirectory, files[index] as string);
            const image = await decoder.decode(path);
            inputs.set(cropAndResizeRgba(image.data, image.height, image.width, cropSize, size), row * exampleSize);
          }),
        );
        return { inputs, ...(labels !== undefined ? { labels: Int32Array.from(indices, (index) => labels[index] as number) } : {}) };
      },
    };
  };
  const splits: Record<DatasetSplit, ExampleSource> = { train: source(0), test: source(2) };
  return createIndexedDataset({
    id: '@tame/datasets/celeba',
    info: {
      name: 'celeba',
      count: { train: splits.train.count, test: splits.test.count },
      shape: [size, size, 3],
      ...(labelOf !== undefined ? { classCount: 2 } : {}),
      range: [0, 1],
    },
    splits,
    prefetch: options.prefetch ?? true,
    dispose: () => decoder.dispose(),
  });
}
