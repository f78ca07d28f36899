import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { imageGrid } from './image-grid.js';
import { encodePng } from './png.js';

/** Minimal PNG reader for the test: walks the chunks, checks every CRC and inflates the rows back. */
function readPng(bytes: Buffer) {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length)).toBe(crc32(bytes.subarray(offset + 4, offset + 8 + length)) >>> 0);
    chunks.push({ type, data });
    offset += 12 + length;
  }
  const header = chunks[0]!.data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const channels = header[9] === 0 ? 1 : 3;
  const raw = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  const pixels: number[] = [];
  for (let row = 0; row < height; row += 1) {
    expect(raw[row * (width * channels + 1)]).toBe(0);
    pixels.push(...raw.subarray(row * (width * channels + 1) + 1, (row + 1) * (width * channels + 1)));
  }
  return { types: chunks.map((chunk) => chunk.type), width, height, channels, pixels };
}

describe('encodePng', () => {
  it('writes a valid grey PNG whose rows read back unchanged', () => {
    const pixels = Uint8Array.from({ length: 5 * 3 }, (_, index) => index * 17);
    const decoded = readPng(encodePng({ width: 5, height: 3, channels: 1, pixels }));
    expect(decoded).toEqual({ types: ['IHDR', 'IDAT', 'IEND'], width: 5, height: 3, channels: 1, pixels: [...pixels] });
  });

  it('writes RGB and rejects a sample count that does not match the size', () => {
    const pixels = Uint8Array.from([255, 0, 0, 0, 255, 0]);
    expect(readPng(encodePng({ width: 2, height: 1, channels: 3, pixels })).pixels).toEqual([...pixels]);
    expect(() => encodePng({ width: 2, height: 2, channels: 3, pixels })).toThrow('6 samples for a 2x2x3 image (12 expected)');
  });
});

describe('imageGrid', () => {
  it('places each image in its cell with padding, maps the range to 0..255 and clips', () => {
    // Two 1x2 grey images: [0, 1] and [0.5, 2 (clipped)], one column, padding 1.
    const grid = imageGrid(Float32Array.from([0, 1, 0.5, 2]), [2, 1, 2, 1], { columns: 1, padding: 1 });
    expect([grid.width, grid.height, grid.channels]).toEqual([4, 5, 1]);
    const at = (x: number, y: number) => grid.pixels[y * grid.width + x];
    expect([at(1, 1), at(2, 1), at(1, 3), at(2, 3)]).toEqual([0, 255, 128, 255]);
    expect(at(0, 0)).toBe(40);
  });

  it('scales images up by an integer factor and keeps 3 channels', () => {
    const grid = imageGrid(Float32Array.from([1, 0, 0]), [1, 1, 1, 3], { scale: 2, padding: 0 });
    expect([grid.width, grid.height, grid.channels]).toEqual([2, 2, 3]);
    expect([...grid.pixels]).toEqual([255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
    expect(() => imageGrid(new Float32Array(4), [1, 2, 2], {})).toThrow(/expected \[count, height, width, 1 or 3\]/);
  });
});
