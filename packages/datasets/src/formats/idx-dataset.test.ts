import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TameError } from '@tame/core';
import { describeDatasetPluginConformance } from '@tame/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { idxDatasetPlugin, mnistIdxDatasetPlugin } from '../node-dataset-plugins.js';
import { fixturePixel, writeIdx, writeIdxDirectory } from '../testing/format-writers.js';
import { readExamples } from '../testing/read-examples.js';
import { findIdxFiles, loadIdxDataset, loadMnistDirectory, readIdxImages, readIdxPair } from './idx-dataset.js';

const root = mkdtempSync(join(tmpdir(), 'tame-idx-'));
const mnistDirectory = join(root, 'mnist');
writeIdxDirectory(mnistDirectory, { train: 30, test: 12 });
const rawDirectory = join(root, 'raw');
writeIdxDirectory(rawDirectory, { train: 20, test: 10 }, 28, false);

describeDatasetPluginConformance(mnistIdxDatasetPlugin, { config: { directory: mnistDirectory } });
describeDatasetPluginConformance(idxDatasetPlugin, {
  config: { trainImages: join(rawDirectory, 'train-images-idx3-ubyte'), trainLabels: join(rawDirectory, 'train-labels-idx1-ubyte') },
});

const file = (name: string) => join(root, name);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('IDX loader', () => {
  it('reads gzipped and raw MNIST-layout files: images / 255 in [28, 28, 1], labels in order', async () => {
    for (const directory of [mnistDirectory, rawDirectory]) {
      const dataset = loadMnistDirectory(directory);
      const examples = await readExamples(dataset, 'test');
      expect(dataset.info).toMatchObject({ name: 'mnist', shape: [28, 28, 1], classCount: 10, range: [0, 1] });
      examples.forEach((example, index) => {
        expect(example.label).toBe(index % 10);
        expect(example.inputs[0]).toBeCloseTo(fixturePixel(index, 0) / 255, 6);
        expect(example.inputs[783]).toBeCloseTo(fixturePixel(index, 783) / 255, 6);
      });
    }
    expect(loadMnistDirectory(mnistDirectory).info.count).toEqual({ train: 30, test: 12 });
  });

  it('finds the MNIST names, raw or .gz, also spelled train-images.idx3-ubyte', () => {
    const directory = join(root, 'dotted');
    writeIdxDirectory(directory, { train: 2, test: 1 }, 4, false);
    writeFileSync(join(directory, 'train-images.idx3-ubyte'), readFileSync(join(directory, 'train-images-idx3-ubyte')));
    expect(findIdxFiles(mnistDirectory).trainImages).toBe(join(mnistDirectory, 'train-images-idx3-ubyte.gz'));
    expect(findIdxFiles(directory).testLabels).toBe(join(directory, 't10k-labels-idx1-ubyte'));
  });

  it('holds out a seeded 10% for test when only train files are given', () => {
    const options = { trainImages: join(rawDirectory, 'train-images-idx3-ubyte'), trainLabels: join(rawDirectory, 'train-labels-idx1-ubyte') };
    const splits = readIdxImages(options);
    expect([splits.train.count, splits.test.count]).toEqual([18, 2]);
    // The held-out examples are train examples, none in both splits.
    const ids = (images: typeof splits.train) =>
      Array.from({ length: images.count }, (_, index) => {
        const image = new Float32Array(784);
        images.copyImage(index, image, 0);
        return Math.round(image[0]! * 255);
      });
    const all = [...ids(splits.train), ...ids(splits.test)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 20 }, (_, example) => fixturePixel(example, 0)).sort((a, b) => a - b));
    expect(ids(readIdxImages(options).test)).toEqual(ids(splits.test));
    expect(readIdxImages({ ...options, testFraction: 0.5 }).test.count).toBe(10);
    expect(loadIdxDataset(options).info.name).toBe('idx');
  });

  describe('bad input: a TameError naming the file and the problem', () => {
    const images = file('images.idx');
    const labels = file('labels.idx');
    writeIdx(images, [5, 28, 28], new Uint8Array(5 * 784));
    writeIdx(labels, [5], [0, 1, 2, 3, 4]);

    it('a missing file', () => {
      expect(() => readIdxPair(file('nope.gz'), labels)).toThrow(`${file('nope.gz')}: file not found`);
      expect(() => loadMnistDirectory(file('absent'))).toThrow(`${file('absent')}: directory not found`);
      expect(() => findIdxFiles(images)).toThrow(`${images}: is not a directory`);
      const incomplete = join(root, 'incomplete');
      writeIdxDirectory(incomplete, { train: 1, test: 1 }, 4);
      rmSync(join(incomplete, 't10k-images-idx3-ubyte.gz'));
      expect(() => loadMnistDirectory(incomplete)).toThrow(`${join(incomplete, 't10k-images-idx3-ubyte.gz')}: file not found (also tried t10k-images-idx3-ubyte,`);
    });

    it('a truncated file, raw or gzipped', () => {
      const bytes = readFileSync(images);
      writeFileSync(file('cut.idx'), bytes.subarray(0, bytes.length - 100));
      expect(() => readIdxPair(file('cut.idx'), labels)).toThrow(
        `${file('cut.idx')}: truncated: the header declares 5 x 28 x 28 = 3920 bytes of data but the file holds 3820`,
      );
      const zipped = gzipSync(bytes);
      writeFileSync(file('cut.gz'), zipped.subarray(0, zipped.length - 10));
      expect(() => readIdxPair(file('cut.gz'), labels)).toThrow(new RegExp(`${file('cut.gz')}: gzip data is truncated`));
      const garbled = Buffer.from(zipped);
      garbled.fill(0x55, 12, 40);
      writeFileSync(file('garbled.gz'), garbled);
      expect(() => readIdxPair(file('garbled.gz'), labels)).toThrow(new RegExp(`${file('garbled.gz')}: gzip data is corrupt`));
      writeFileSync(file('empty.idx'), '');
      expect(() => readIdxPair(images, file('empty.idx'))).toThrow(`${file('empty.idx')}: 0 bytes is too short for an IDX header`);
    });

    it('a wrong magic number', () => {
      expect(() => readIdxPair(labels, images)).toThrow(`${labels}: wrong magic number 0x00000801 (this is an IDX labels file: are images and labels swapped?)`);
    });

    it('a label count that does not match the image count', () => {
      writeIdx(file('four-labels.idx'), [4], [0, 1, 2, 3]);
      let error: unknown;
      try {
        readIdxPair(images, file('four-labels.idx'));
      } catch (caught) {
        error = caught;
      }
      expect(TameError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `${file('four-labels.idx')}: 4 labels, but ${images} holds 5 images; the files of a pair must describe the same examples`,
      );
    });

    it('a label outside 0-9 for a 10-class directory, a test pair with another image size, half a test pair', () => {
      const directory = join(root, 'bad-labels');
      writeIdxDirectory(directory, { train: 3, test: 2 }, 4);
      writeIdx(join(directory, 't10k-labels-idx1-ubyte.gz'), [2], [3, 12]);
      expect(() => loadMnistDirectory(directory)).toThrow(/t10k-labels-idx1-ubyte.gz: label 12 of example 1 is outside 0..9/);
      writeIdx(file('small.idx'), [5, 4, 4], new Uint8Array(80));
      expect(() => readIdxImages({ trainImages: images, trainLabels: labels, testImages: file('small.idx'), testLabels: labels })).toThrow(
        /images of shape \[4,4,1\] but the train images .* are \[28,28,1\]/,
      );
      expect(() => readIdxImages({ trainImages: images, trainLabels: labels, testImages: images })).toThrow(/come as a pair/);
    });
  });
});
