/**
 * The playground's embedded digits, one binary file: an 8-byte ASCII magic "TDIGITS1", uint32 count, uint16 height,
 * uint16 width (little-endian), then `count` uint8 labels, then `count` images of height x width uint8 pixels
 * (255 = white ink). 2,000 MNIST digits take 1.5 MiB, a tenth of the same digits as JSON.
 */
export const digitsFileMagic = 'TDIGITS1';
const headerBytes = 16;

export interface DigitsFile {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** [count] class labels 0-9. */
  readonly labels: Uint8Array;
  /** [count, height, width], row after row. */
  readonly pixels: Uint8Array;
}

export function encodeDigitsFile(digits: DigitsFile): Uint8Array {
  const { count, height, width, labels, pixels } = digits;
  if (labels.length !== count || pixels.length !== count * height * width) {
    throw new Error(`digits file: ${labels.length} labels and ${pixels.length} pixels do not make ${count} images of ${height}x${width}`);
  }
  const bytes = new Uint8Array(headerBytes + count + pixels.length);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < digitsFileMagic.length; index += 1) bytes[index] = digitsFileMagic.charCodeAt(index);
  view.setUint32(8, count, true);
  view.setUint16(12, height, true);
  view.setUint16(14, width, true);
  bytes.set(labels, headerBytes);
  bytes.set(pixels, headerBytes + count);
  return bytes;
}

/** Reads a digits file; throws naming what is wrong (a truncated download, an HTML error page served instead). */
export function decodeDigitsFile(buffer: ArrayBuffer | Uint8Array, source = 'digits file'): DigitsFile {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, digitsFileMagic.length));
  if (bytes.length < headerBytes || magic !== digitsFileMagic) {
    throw new Error(`${source}: not a digits file (it starts with ${JSON.stringify(magic)}, expected "${digitsFileMagic}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const height = view.getUint16(12, true);
  const width = view.getUint16(14, true);
  const expected = headerBytes + count + count * height * width;
  if (bytes.length !== expected) {
    throw new Error(`${source}: ${bytes.length} bytes, expected ${expected} for ${count} digits of ${height}x${width}`);
  }
  return {
    count,
    height,
    width,
    labels: bytes.subarray(headerBytes, headerBytes + count),
    pixels: bytes.subarray(headerBytes + count),
  };
}
