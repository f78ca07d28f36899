// Test fixtures (not exported by the package): write small files in the exact on-disk formats.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';

/** IDX bytes: magic 0x0000 08 rank, big-endian dimensions, then unsigned bytes. */
export function idxBytes(dimensions: readonly number[], data: Uint8Array | readonly number[]): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dimensions.length));
  header.setUint32(0, 0x0800 + dimensions.length);
  dimensions.forEach((size, axis) => header.setUint32(4 + 4 * axis, size));
  const bytes = new Uint8Array(header.byteLength + data.length);
  bytes.set(new Uint8Array(header.buffer), 0);
  bytes.set(data, header.byteLength);
  return bytes;
}

export function writeIdx(path: string, dimensions: readonly number[], data: Uint8Array | readonly number[], gzip = path.endsWith('.gz')): string {
  const bytes = idxBytes(dimensions, data);
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  return path;
}

/** Pixel value of example `example` at `pixel` in the fixtures (distinct across examples, all 0..255). */
export function fixturePixel(example: number, pixel: number): number {
  return (example * 37 + pixel * 11) % 256;
}

/** `count` images of side x side with fixturePixel values and labels example % 10, in the MNIST file layout. */
export function writeIdxDirectory(directory: string, counts: { train: number; test: number }, side = 28, gzip = true): void {
  mkdirSync(directory, { recursive: true });
  const suffix = gzip ? '.gz' : '';
  for (const [split, count] of [['train', counts.train], ['t10k', counts.test]] as const) {
    const pixels = Uint8Array.from({ length: count * side * side }, (_, index) => fixturePixel(Math.floor(index / (side * side)), index % (side * side)));
    writeIdx(join(directory, `${split}-images-idx3-ubyte${suffix}`), [count, side, side], pixels);
    writeIdx(join(directory, `${split}-labels-idx1-ubyte${suffix}`), [count], Uint8Array.from({ length: count }, (_, example) => example % 10));
  }
}

/** A CIFAR-10 binary batch: per record the label byte, then the red, green and blue planes (32 x 32 each). */
export function cifarBatchBytes(labels: readonly number[], pixel: (record: number, channel: number, index: number) => number): Uint8Array {
  const bytes = new Uint8Array(labels.length * 3073);
  labels.forEach((label, record) => {
    bytes[record * 3073] = label;
    for (let channel = 0; channel < 3; channel += 1) {
      for (let index = 0; index < 1024; index += 1) bytes[record * 3073 + 1 + channel * 1024 + index] = pixel(record, channel, index);
    }
  });
  return bytes;
}

/** A smooth RGB pattern (JPEG keeps it within a few levels) that differs from image to image. */
export function celebaPattern(image: number, row: number, column: number): [number, number, number] {
  return [
    Math.round(40 + 150 * (row / 217) + 10 * (image % 5)),
    Math.round(30 + 180 * (column / 177)),
    Math.round(120 + 80 * Math.sin((row + column) / 60 + image)),
  ];
}

export function celebaJpeg(image: number, width = 178, height = 218): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) data.set([...celebaPattern(image, row, column), 255], (row * width + column) * 4);
  }
  return new Uint8Array(jpeg.encode({ width, height, data }, 95).data);
}

export const celebaAttributeNames = ['Smiling', 'Male', 'Young'];

/**
 * A CelebA folder: `count` JPEGs 000001.jpg.. in img_align_celeba/, partitions cycling 0, 0, 1, 2, and an attribute
 * list with 3 attributes (Smiling = 1 for odd image numbers).
 */
export function writeCelebaFolder(directory: string, count: number): string[] {
  mkdirSync(join(directory, 'img_align_celeba'), { recursive: true });
  const names = Array.from({ length: count }, (_, image) => `${String(image + 1).padStart(6, '0')}.jpg`);
  names.forEach((name, image) => writeFileSync(join(directory, 'img_align_celeba', name), celebaJpeg(image)));
  writeFileSync(join(directory, 'list_eval_partition.txt'), names.map((name, image) => `${name} ${[0, 0, 1, 2][image % 4]}`).join('\n') + '\n');
  const rows = names.map((name, image) => `${name} ${image % 2 === 0 ? ' 1' : '-1'} -1  1`);
  writeFileSync(join(directory, 'list_attr_celeba.txt'), [`${count}`, `${celebaAttributeNames.join(' ')} `, ...rows].join('\n') + '\n');
  return names;
}
