import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetV1 } from '@tame/core';
import { DatasetError } from '../dataset-error.js';
import { type LabelledImageSplits, type LabelledImages, labelledImagesDataset } from '../labelled-images.js';
import { readFileBytes, requireDirectory } from './read-binary-file.js';

/** One record of the CIFAR-10 binary version: 1 label byte, then 1024 red, 1024 green, 1024 blue bytes (rows of 32). */
export const cifar10RecordSize = 1 + 32 * 32 * 3;

export const cifar10TrainFiles = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const;
export const cifar10TestFile = 'test_batch.bin';

/** The class names of batches.meta.txt, in label order. */
export const cifar10ClassNames = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** Checks a batch file and returns its records' bytes and labels. */
function readBatchFile(path: string): { bytes: Uint8Array; labels: Int32Array } {
  const bytes = readFileBytes(path);
  if (bytes.length === 0 || bytes.length % cifar10RecordSize !== 0) {
    throw new DatasetError(
      'truncated',
      path,
      `${bytes.length} bytes is not a whole number of ${cifar10RecordSize}-byte CIFAR-10 records (1 label byte + 32x32x3 pixels); the file is truncated or not a CIFAR-10 binary batch`,
    );
  }
  const count = bytes.length / cifar10RecordSize;
  const labels = new Int32Array(count);
  for (let record = 0; record < count; record += 1) {
    const label = bytes[record * cifar10RecordSize] as number;
    if (label > 9) {
      throw new DatasetError(
        'invalid-content',
        path,
        `record ${record} has label ${label}, CIFAR-10 labels are 0-9 (is this the CIFAR-100 binary, whose records start with 2 label bytes?)`,
      );
    }
    labels[record] = label;
  }
  return { bytes, labels };
}

/** The records of several batch files as one split; pixels are turned from planar CHW bytes into HWC floats on read. */
function cifarImages(files: readonly { bytes: Uint8Array; labels: Int32Array }[]): LabelledImages {
  const starts: number[] = [];
  let count = 0;
  for (const file of files) {
    starts.push(count);
    count += file.labels.length;
  }
  const labels = new Int32Array(count);
  files.forEach((file, position) => labels.set(file.labels, starts[position] as number));
  return {
    count,
    shape: [32, 32, 3],
    labels,
    copyImage(index, target, offset) {
      let position = files.length - 1;
      while ((starts[position] as number) > index) position -= 1;
      const { bytes } = files[position] as { bytes: Uint8Array };
      const start = (index - (starts[position] as number)) * cifar10RecordSize + 1;
      for (let pixel = 0; pixel < 1024; pixel += 1) {
        for (let channel = 0; channel < 3; channel += 1) target[offset + pixel * 3 + channel] = (bytes[start + channel * 1024 + pixel] as number) / 255;
      }
    },
  };
}

/** The directory holding the .bin files: `directory` itself or its cifar-10-batches-bin folder (the tarball's). */
function batchDirectory(directory: string): string {
  requireDirectory(directory, 'expected the CIFAR-10 binary version (cifar-10-batches-bin with data_batch_1..5.bin, test_batch.bin)');
  const nested = join(directory, 'cifar-10-batches-bin');
  return !existsSync(join(directory, cifar10TestFile)) && existsSync(nested) ? nested : directory;
}

/** CIFAR-10 binary batches: all five train batches (a missing one is an error) and the test batch. */
export function readCifar10(directory: string): LabelledImageSplits {
  const folder = batchDirectory(directory);
  const hint = 'CIFAR-10 binary batches are data_batch_1.bin .. data_batch_5.bin and test_batch.bin';
  const read = (name: string) => {
    const path = join(folder, name);
    if (!existsSync(path)) throw new DatasetError('missing-file', path, `file not found; ${hint}`);
    return readBatchFile(path);
  };
  return { name: 'cifar10', classCount: 10, train: cifarImages(cifar10TrainFiles.map(read)), test: cifarImages([read(cifar10TestFile)]) };
}

/** CIFAR-10 as a dataset: [32, 32, 3] in [0, 1], labels 0-9 (cifar10ClassNames). */
export function loadCifar10Dataset(directory: string): DatasetV1 {
  return labelledImagesDataset(readCifar10(directory), '@tame/datasets/cifar10');
}
