import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describeDatasetPluginConformance } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { fashionMnistDirectory } from '../dataset-id.js';
import { fashionMnistDatasetPlugin } from '../node-dataset-plugins.js';
import { readFashionMnist } from './idx-dataset.js';

// Real data: Debian's dataset-fashion-mnist package (CI installs it). Skipped, saying why, only when it is absent.
const present = existsSync(fashionMnistDirectory);
const skipReason = present ? '' : ` [SKIPPED: ${fashionMnistDirectory} is absent; apt-get install dataset-fashion-mnist]`;

if (present) describeDatasetPluginConformance(fashionMnistDatasetPlugin, { config: {}, batchSize: 32 });

describe.skipIf(!present)(`real Fashion-MNIST from ${fashionMnistDirectory}${skipReason}`, () => {
  it('has 60,000 / 10,000 images of 28x28, 6,000 / 1,000 per class, values 0..1, the published first labels', () => {
    const { train, test, classCount } = readFashionMnist();
    expect([train.count, test.count, classCount]).toEqual([60_000, 10_000, 10]);
    expect(train.shape).toEqual([28, 28, 1]);
    for (const [split, perClass] of [[train, 6000], [test, 1000]] as const) {
      const counts = new Array<number>(10).fill(0);
      for (const label of split.labels) counts[label] = (counts[label] as number) + 1;
      expect(counts).toEqual(new Array<number>(10).fill(perClass));
    }
    // The first labels of the published files: ankle boot, T-shirt, T-shirt, dress...
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('matches the bytes read independently (gunzip, skip the 16-byte header, divide by 255)', () => {
    const { train, test } = readFashionMnist();
    const raw = gunzipSync(readFileSync(join(fashionMnistDirectory, 't10k-images-idx3-ubyte.gz')));
    const image = new Float32Array(784);
    for (const index of [0, 1234, 9999]) {
      test.copyImage(index, image, 0);
      const expected = Array.from(raw.subarray(16 + index * 784, 16 + (index + 1) * 784), (byte) => Math.fround(byte / 255));
      expect(Array.from(image)).toEqual(expected);
    }
    train.copyImage(59_999, image, 0);
    expect(Math.min(...image)).toBe(0);
    expect(Math.max(...image)).toBeLessThanOrEqual(1);
  });
});
