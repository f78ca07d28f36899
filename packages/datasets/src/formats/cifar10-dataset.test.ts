import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDatasetPluginConformance } from '@tame/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { cifar10DatasetPlugin } from '../node-dataset-plugins.js';
import { cifarBatchBytes } from '../testing/format-writers.js';
import { readExamples } from '../testing/read-examples.js';
import { cifar10TestFile, cifar10TrainFiles, loadCifar10Dataset, readCifar10 } from './cifar10-dataset.js';

/** Pixel value of record r (global index g), channel c, plane index i: distinct enough to catch a wrong transpose. */
const pixel = (global: number, channel: number, index: number) => (global * 31 + channel * 97 + index * 7) % 256;

const root = mkdtempSync(join(tmpdir(), 'tame-cifar-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes batches of 3 records each (test: 4) under `directory`; global train index = 3 * batch + record. */
function writeCifar(directory: string): void {
  mkdirSync(directory, { recursive: true });
  cifar10TrainFiles.forEach((name, batch) => {
    const labels = [0, 1, 2].map((record) => (3 * batch + record) % 10);
    writeFileSync(join(directory, name), cifarBatchBytes(labels, (record, channel, index) => pixel(3 * batch + record, channel, index)));
  });
  writeFileSync(join(directory, cifar10TestFile), cifarBatchBytes([9, 8, 7, 6], (record, channel, index) => pixel(100 + record, channel, index)));
}

const flat = join(root, 'flat');
writeCifar(flat);
const nested = join(root, 'tarball');
writeCifar(join(nested, 'cifar-10-batches-bin'));

describeDatasetPluginConformance(cifar10DatasetPlugin, { config: { directory: flat } });

describe('CIFAR-10 binary loader', () => {
  it('turns the planar records into [32, 32, 3] HWC images / 255 with their labels, across all five batches', async () => {
    const dataset = loadCifar10Dataset(flat);
    expect(dataset.info).toMatchObject({ name: 'cifar10', count: { train: 15, test: 4 }, shape: [32, 32, 3], classCount: 10, range: [0, 1] });
    const train = await readExamples(dataset, 'train');
    train.forEach((example, global) => {
      expect(example.label).toBe(global % 10);
      for (const [row, column] of [[0, 0], [0, 31], [17, 5], [31, 31]] as const) {
        for (let channel = 0; channel < 3; channel += 1) {
          // HWC position (row, column, channel) comes from plane `channel` at row * 32 + column.
          expect(example.inputs[(row * 32 + column) * 3 + channel]).toBeCloseTo(pixel(global, channel, row * 32 + column) / 255, 6);
        }
      }
    });
    const test = await readExamples(dataset, 'test');
    expect(test.map((example) => example.label)).toEqual([9, 8, 7, 6]);
    expect(test[2]?.inputs[5 * 3 + 1]).toBeCloseTo(pixel(102, 1, 5) / 255, 6);
  });

  it("accepts the tarball's folder that contains cifar-10-batches-bin", () => {
    expect(readCifar10(nested).train.count).toBe(15);
  });

  describe('bad input', () => {
    it('a missing batch file: no partial training set', () => {
      const directory = join(root, 'missing');
      writeCifar(directory);
      rmSync(join(directory, 'data_batch_4.bin'));
      expect(() => readCifar10(directory)).toThrow(`${join(directory, 'data_batch_4.bin')}: file not found; CIFAR-10 binary batches are data_batch_1.bin`);
      expect(() => readCifar10(join(root, 'nowhere'))).toThrow(`${join(root, 'nowhere')}: directory not found`);
    });

    it('a truncated batch file', () => {
      const directory = join(root, 'truncated');
      writeCifar(directory);
      writeFileSync(join(directory, 'test_batch.bin'), cifarBatchBytes([1, 2], () => 0).subarray(0, 3073 + 1000));
      expect(() => readCifar10(directory)).toThrow(
        `${join(directory, 'test_batch.bin')}: 4073 bytes is not a whole number of 3073-byte CIFAR-10 records (1 label byte + 32x32x3 pixels)`,
      );
    });

    it('a label outside 0-9 (e.g. a CIFAR-100 file)', () => {
      const directory = join(root, 'cifar100');
      writeCifar(directory);
      writeFileSync(join(directory, 'data_batch_2.bin'), cifarBatchBytes([3, 57], () => 0));
      expect(() => readCifar10(directory)).toThrow(`${join(directory, 'data_batch_2.bin')}: record 1 has label 57, CIFAR-10 labels are 0-9`);
    });
  });
});
