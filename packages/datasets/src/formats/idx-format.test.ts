import { describe, expect, it } from 'vitest';
import { DatasetError } from '../dataset-error.js';
import { idxBytes } from '../testing/format-writers.js';
import { parseIdx } from './idx-format.js';

function failure(action: () => unknown): DatasetError {
  try {
    action();
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error('expected a DatasetError');
}

describe('parseIdx', () => {
  it('reads the big-endian dimensions and the unsigned-byte data that follows the header', () => {
    const parsed = parseIdx(idxBytes([2, 3, 4], Array.from({ length: 24 }, (_, index) => index * 10)), 'images.idx', 'images');
    expect(parsed.dimensions).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data)).toEqual(Array.from({ length: 24 }, (_, index) => index * 10));
    // 60000 needs more than one byte: the dimension is read big-endian.
    expect(parseIdx(idxBytes([60000], new Uint8Array(60000)), 'labels.idx', 'labels').dimensions).toEqual([60000]);
  });

  it('names the file and the wrong magic number, recognising swapped images and labels', () => {
    const labels = idxBytes([3], [1, 2, 3]);
    const swapped = failure(() => parseIdx(labels, 'train-labels.gz', 'images'));
    expect(swapped.code).toBe('bad-magic');
    expect(swapped.message).toBe(
      'train-labels.gz: wrong magic number 0x00000801 (this is an IDX labels file: are images and labels swapped?); expected 0x00000803, IDX images (unsigned bytes, 3 dimensions)',
    );
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    expect(failure(() => parseIdx(png, 'x.png', 'labels')).message).toBe(
      'x.png: wrong magic number 0x89504e47; expected 0x00000801, IDX labels (unsigned bytes, 1 dimension)',
    );
    const floats = idxBytes([1], [0, 0, 0, 0]);
    floats[2] = 0x0d;
    expect(failure(() => parseIdx(floats, 'f.idx', 'labels')).message).toMatch(/0x00000d01 \(IDX float32 data, which tame does not read\)/);
  });

  it('reports a truncated file with the sizes, and refuses trailing bytes', () => {
    const whole = idxBytes([2, 2, 2], new Uint8Array(8));
    const cut = failure(() => parseIdx(whole.subarray(0, whole.length - 3), 'cut.idx', 'images'));
    expect(cut.code).toBe('truncated');
    expect(cut.message).toBe('cut.idx: truncated: the header declares 2 x 2 x 2 = 8 bytes of data but the file holds 5');
    expect(failure(() => parseIdx(whole.subarray(0, 9), 'head.idx', 'images')).message).toMatch(/shorter than the 16-byte header/);
    expect(failure(() => parseIdx(whole.subarray(0, 2), 'tiny.idx', 'images')).code).toBe('truncated');
    const long = new Uint8Array(whole.length + 2);
    long.set(whole);
    expect(failure(() => parseIdx(long, 'long.idx', 'images')).message).toMatch(/2 bytes after the 2 x 2 x 2 = 8 bytes the header declares/);
  });
});
