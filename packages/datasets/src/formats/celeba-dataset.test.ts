import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describeDatasetPluginConformance } from '@tame/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { cropAndResizeRgba } from '../image/area-resize.js';
import { celebaDatasetPlugin } from '../node-dataset-plugins.js';
import { celebaPattern, writeCelebaFolder } from '../testing/format-writers.js';
import { readExamples } from '../testing/read-examples.js';
import { loadCelebaDataset } from './celeba-dataset.js';

const root = mkdtempSync(join(tmpdir(), 'tame-celeba-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const folder = join(root, 'celeba');
// 8 images; partitions cycle 0, 0, 1, 2: train = images 0, 1, 4, 5; test = 3, 7.
writeCelebaFolder(folder, 8);

describeDatasetPluginConformance(celebaDatasetPlugin, { config: { directory: folder, size: 32, workers: 0 }, batchSize: 2 });

/** What the loader should give for image `image` before JPEG loss: the pattern, cropped and resized. */
function expectedImage(image: number, size: number): Float32Array {
  const rgba = new Uint8Array(178 * 218 * 4);
  for (let row = 0; row < 218; row += 1) for (let column = 0; column < 178; column += 1) rgba.set([...celebaPattern(image, row, column), 255], (row * 178 + column) * 4);
  return cropAndResizeRgba(rgba, 218, 178, 148, size);
}

function difference(a: Float32Array, b: Float32Array): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  a.forEach((value, index) => {
    const gap = Math.abs(value - (b[index] as number));
    sum += gap;
    max = Math.max(max, gap);
  });
  return { mean: sum / a.length, max };
}

describe('CelebA loader', () => {
  it('decodes, centre-crops 148 and resizes to 64 or 32; train = partition 0, test = partition 2', async () => {
    for (const size of [64, 32] as const) {
      const dataset = loadCelebaDataset({ directory: folder, size, workers: 0 });
      expect(dataset.info).toMatchObject({ name: 'celeba', count: { train: 4, test: 2 }, shape: [size, size, 3], range: [0, 1] });
      for (const [split, images] of [['train', [0, 1, 4, 5]], ['test', [3, 7]]] as const) {
        const examples = await readExamples(dataset, split);
        examples.forEach((example, row) => {
          const gap = difference(example.inputs, expectedImage(images[row] as number, size));
          // JPEG at quality 95 on a smooth pattern: a level or two per pixel.
          expect(gap.mean).toBeLessThan(0.01);
          expect(gap.max).toBeLessThan(0.06);
          expect(example.label).toBeUndefined();
        });
      }
      dataset.dispose();
    }
    // Pixel (0, 0) of the 64 output averages the crop's first 2.3125 x 2.3125 source pixels (rows 35.., columns 15..):
    // the red channel rises with the row, so it sits near the pattern at row 35 + 1.16.
    const [first] = await readExamples(loadCelebaDataset({ directory: folder, workers: 0 }), 'train', 1);
    expect(first?.inputs[0]).toBeCloseTo((40 + 150 * (36.16 / 217)) / 255, 1);
  });

  it('labels with an attribute column: 1 where list_attr_celeba.txt says 1', async () => {
    const dataset = loadCelebaDataset({ directory: folder, size: 32, attribute: 'Smiling', workers: 0 });
    expect(dataset.info.classCount).toBe(2);
    // Smiling is 1 for images 0, 2, 4, 6.
    expect((await readExamples(dataset, 'train')).map((example) => example.label)).toEqual([1, 0, 1, 0]);
    expect((await readExamples(loadCelebaDataset({ directory: folder, size: 32, attribute: 'Male', workers: 0 }), 'test')).map((example) => example.label)).toEqual([0, 0]);
  });

  it('decodes on worker threads exactly as on the main thread, prefetching the next batch', async () => {
    const main = loadCelebaDataset({ directory: folder, size: 32, workers: 0 });
    const threaded = loadCelebaDataset({ directory: folder, size: 32, workers: 2 });
    const options = { split: 'train', batchSize: 2, seed: 3, epoch: 1 } as const;
    const read = async (dataset: typeof main) => {
      const batches: number[][] = [];
      for await (const batch of dataset.batches(options)) {
        batches.push(Array.from(batch.inputs.dataSync()));
        batch.inputs.dispose();
      }
      return batches;
    };
    const before = tf.memory().numTensors;
    expect(await read(threaded)).toEqual(await read(main));
    expect(tf.memory().numTensors).toBe(before);
    threaded.dispose();
    main.dispose();
  });

  it('reads the official layout (Eval/, Anno/, Img/img_align_celeba/)', async () => {
    const official = join(root, 'official');
    mkdirSync(join(official, 'Eval'), { recursive: true });
    mkdirSync(join(official, 'Anno'), { recursive: true });
    cpSync(join(folder, 'img_align_celeba'), join(official, 'Img', 'img_align_celeba'), { recursive: true });
    cpSync(join(folder, 'list_eval_partition.txt'), join(official, 'Eval', 'list_eval_partition.txt'));
    cpSync(join(folder, 'list_attr_celeba.txt'), join(official, 'Anno', 'list_attr_celeba.txt'));
    const dataset = loadCelebaDataset({ directory: official, size: 32, attribute: 'Young', workers: 0 });
    expect((await readExamples(dataset, 'test')).map((example) => example.label)).toEqual([1, 1]);
  });

  describe('bad input', () => {
    const copy = (name: string) => {
      const directory = join(root, name);
      cpSync(folder, directory, { recursive: true });
      return directory;
    };

    it('a corrupt JPEG: the batch that holds it fails naming the file (images are decoded per batch, not at open)', async () => {
      for (const workers of [0, 1]) {
        const directory = copy(`corrupt-${workers}`);
        const path = join(directory, 'img_align_celeba', '000004.jpg');
        const bytes = readFileSync(path);
        writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
        const dataset = loadCelebaDataset({ directory, size: 32, workers });
        expect(await readExamples(dataset, 'train')).toHaveLength(4);
        await expect(readExamples(dataset, 'test')).rejects.toThrow(`${path}: not a decodable JPEG (`);
        dataset.dispose();
      }
    });

    it('a missing image file, found when the dataset opens', () => {
      const directory = copy('missing-image');
      rmSync(join(directory, 'img_align_celeba', '000006.jpg'));
      rmSync(join(directory, 'img_align_celeba', '000007.jpg'));
      expect(() => loadCelebaDataset({ directory, workers: 0 })).toThrow(
        `${join(directory, 'img_align_celeba', '000006.jpg')}: image file not found: 2 of the 8 images listed in ${join(directory, 'list_eval_partition.txt')} are missing`,
      );
    });

    it('a missing or malformed partition list', () => {
      const directory = copy('no-partition');
      rmSync(join(directory, 'list_eval_partition.txt'));
      expect(() => loadCelebaDataset({ directory })).toThrow(`${join(directory, 'list_eval_partition.txt')}: file not found (also tried Eval/list_eval_partition.txt)`);
      writeFileSync(join(directory, 'list_eval_partition.txt'), '000001.jpg 0\n000002.jpg train\n');
      expect(() => loadCelebaDataset({ directory })).toThrow(`line 2: expected "<image file> <0|1|2>", got "000002.jpg train"`);
      expect(() => loadCelebaDataset({ directory: join(root, 'nowhere') })).toThrow(`${join(root, 'nowhere')}: directory not found`);
    });

    it('an attribute list whose count or rows do not match, or an unknown attribute', () => {
      const directory = copy('bad-attributes');
      const path = join(directory, 'list_attr_celeba.txt');
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      writeFileSync(path, [...lines.slice(0, -1)].join('\n'));
      expect(() => loadCelebaDataset({ directory, attribute: 'Smiling' })).toThrow(`${path}: line 1 declares 8 images but the file lists 7`);
      writeFileSync(path, ['7', ...lines.slice(1, -1)].join('\n'));
      expect(() => loadCelebaDataset({ directory, attribute: 'Smiling' })).toThrow(`${path}: has no row for 000008.jpg`);
      writeFileSync(path, [...lines.slice(0, 3), '000002.jpg 1 1', ...lines.slice(4)].join('\n'));
      expect(() => loadCelebaDataset({ directory, attribute: 'Smiling' })).toThrow(`${path}: line 4 (000002.jpg): expected 3 values of -1 or 1, got 2 value(s)`);
      expect(() => loadCelebaDataset({ directory: folder, attribute: 'Smilling' })).toThrow(/no attribute 'Smilling'; the attributes are Smiling, Male, Young/);
    });
  });
});
