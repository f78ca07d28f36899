import { DatasetError } from '../dataset-error.js';

/** An IDX array of unsigned bytes (the type of MNIST and Fashion-MNIST). */
export interface IdxArray {
  readonly dimensions: readonly number[];
  readonly data: Uint8Array;
}

const typeNames: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const hex = (value: number) => `0x${value.toString(16).padStart(8, '0')}`;

/**
 * Parses an IDX file (LeCun's format: magic 0x0000TTRR with type TT and rank RR, RR big-endian uint32 dimensions,
 * then the data) and checks it is the unsigned-byte array of rank `rank` that `kind` needs (images: 3, labels: 1).
 * The data must be exactly as long as the header says: a short file is truncated, a long one is not IDX.
 */
export function parseIdx(bytes: Uint8Array, location: string, kind: 'images' | 'labels'): IdxArray {
  const rank = kind === 'images' ? 3 : 1;
  const expected = 0x0800 + rank;
  const description = `IDX ${kind} (unsigned bytes, ${rank} dimension${rank > 1 ? 's' : ''})`;
  if (bytes.length < 4) throw new DatasetError('truncated', location, `${bytes.length} bytes is too short for an IDX header; expected ${description}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expected) {
    const type = bytes[2] as number;
    const actualRank = bytes[3] as number;
    let why = '';
    if (bytes[0] === 0 && bytes[1] === 0 && typeNames[type] !== undefined) {
      why =
        type !== 0x08
          ? ` (IDX ${typeNames[type]} data, which tame does not read)`
          : actualRank === (kind === 'images' ? 1 : 3)
            ? ` (this is an IDX ${kind === 'images' ? 'labels' : 'images'} file: are images and labels swapped?)`
            : ` (IDX with ${actualRank} dimensions)`;
    }
    throw new DatasetError('bad-magic', location, `wrong magic number ${hex(magic)}${why}; expected ${hex(expected)}, ${description}`);
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) {
    throw new DatasetError('truncated', location, `${bytes.length} bytes is shorter than the ${headerSize}-byte header of ${description}`);
  }
  const dimensions = Array.from({ length: rank }, (_, axis) => view.getUint32(4 + 4 * axis));
  const dataSize = dimensions.reduce((product, size) => product * size, 1);
  const actual = bytes.length - headerSize;
  if (actual < dataSize) {
    throw new DatasetError(
      'truncated',
      location,
      `truncated: the header declares ${dimensions.join(' x ')} = ${dataSize} bytes of data but the file holds ${actual}`,
    );
  }
  if (actual > dataSize) {
    throw new DatasetError(
      'invalid-content',
      location,
      `${actual - dataSize} bytes after the ${dimensions.join(' x ')} = ${dataSize} bytes the header declares; not a valid ${description} file`,
    );
  }
  return { dimensions, data: bytes.subarray(headerSize) };
}
