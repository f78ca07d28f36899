import { describe, expect, it } from 'vitest';
import { readMnistDigits } from '../../build/read-mnist-digits.js';
import { decodeDigitsFile, encodeDigitsFile } from './digits-file.js';

describe('digits file', () => {
  it('round-trips count, size, labels and pixels', () => {
    const digits = { count: 2, height: 2, width: 3, labels: Uint8Array.of(7, 1), pixels: Uint8Array.from({ length: 12 }, (_, index) => index * 20) };
    const decoded = decodeDigitsFile(encodeDigitsFile(digits));
    expect(decoded).toMatchObject({ count: 2, height: 2, width: 3 });
    expect([...decoded.labels]).toEqual([7, 1]);
    expect([...decoded.pixels]).toEqual([...digits.pixels]);
  });

  it('names what is wrong with a file that is not one, or is cut short', () => {
    expect(() => decodeDigitsFile(new TextEncoder().encode('<!doctype html><html>'), 'mnist-digits.bin')).toThrow(
      /mnist-digits.bin: not a digits file \(it starts with "<!doctyp", expected "TDIGITS1"\)/,
    );
    const bytes = encodeDigitsFile({ count: 1, height: 1, width: 2, labels: Uint8Array.of(3), pixels: Uint8Array.of(1, 2) });
    expect(() => decodeDigitsFile(bytes.subarray(0, bytes.length - 1))).toThrow(/18 bytes, expected 19 for 1 digits of 1x2/);
  });

  it('holds the mnist package digits class-interleaved, each byte round(255 v) of the JSON value', async () => {
    const digits = readMnistDigits(3);
    expect(digits).toMatchObject({ count: 30, height: 28, width: 28 });
    expect([...digits.labels.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // The 12th digit is the second 1 of the package's 1.json.
    const { createRequire } = await import('node:module');
    const ones = createRequire(import.meta.url)('mnist/src/digits/1.json') as { data: number[] };
    const second = ones.data.slice(784, 2 * 784);
    expect([...digits.pixels.subarray(11 * 784, 12 * 784)]).toEqual(second.map((value) => Math.round(255 * value)));
    for (const [index, value] of second.entries()) expect(Math.abs(digits.pixels[11 * 784 + index]! / 255 - value)).toBeLessThanOrEqual(5e-4 + 1e-9);
  });
});
