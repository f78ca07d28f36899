import { CheckpointError } from '../errors/tame-error.js';
import type { JSONObject } from '../spec/json-value.js';
import { crc32 } from './crc32.js';

export interface CheckpointTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Everything needed to continue a run: JSON state (exact doubles) and float32 tensors (exact bits). */
export interface TrainingCheckpoint {
  /** Completed training steps. */
  readonly step: number;
  readonly state: JSONObject;
  readonly tensors: readonly CheckpointTensor[];
}

/**
 * On-disk layout, little-endian:
 *   bytes 0-7   magic "TAMECKPT"
 *   bytes 8-11  format version (uint32, currently 1)
 *   bytes 12-15 header length H (uint32)
 *   bytes 16-19 CRC-32 of everything after byte 19
 *   H bytes     UTF-8 JSON header { step, state, tensors: [{ name, shape, offset, length }] }
 *   payload     float32 values of each tensor, at header offsets (bytes from payload start)
 */
const magic = 'TAMECKPT';
export const checkpointFormatVersion = 1;
const prefixLength = 20;

export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  let offset = 0;
  const entries = checkpoint.tensors.map((tensor) => {
    const expected = tensor.shape.reduce((product, size) => product * size, 1);
    if (expected !== tensor.values.length) {
      throw new CheckpointError(tensor.name, `shape [${tensor.shape}] needs ${expected} values, got ${tensor.values.length}`);
    }
    const entry = { name: tensor.name, shape: [...tensor.shape], offset, length: tensor.values.length };
    offset += tensor.values.byteLength;
    return entry;
  });
  const header = new TextEncoder().encode(JSON.stringify({ step: checkpoint.step, state: checkpoint.state, tensors: entries }));
  const bytes = new Uint8Array(prefixLength + header.length + offset);
  bytes.set(new TextEncoder().encode(magic), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, checkpointFormatVersion, true);
  view.setUint32(12, header.length, true);
  bytes.set(header, prefixLength);
  const payloadStart = prefixLength + header.length;
  checkpoint.tensors.forEach((tensor, index) => {
    const target = new DataView(bytes.buffer, payloadStart + (entries[index] as { offset: number }).offset, tensor.values.byteLength);
    tensor.values.forEach((value, position) => target.setFloat32(position * 4, value, true));
  });
  view.setUint32(16, crc32(bytes.subarray(prefixLength)), true);
  return bytes;
}

/** Parses and verifies a checkpoint; `location` (a path) goes into every error message. */
export function decodeCheckpoint(bytes: Uint8Array, location: string): TrainingCheckpoint {
  if (bytes.length < prefixLength || new TextDecoder().decode(bytes.subarray(0, 8)) !== magic) {
    throw new CheckpointError(location, 'not a tame checkpoint (bad magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== checkpointFormatVersion) {
    throw new CheckpointError(location, `format version ${version}; this @tame/core reads version ${checkpointFormatVersion}`);
  }
  const headerLength = view.getUint32(12, true);
  if (prefixLength + headerLength > bytes.length) throw new CheckpointError(location, 'truncated (header runs past the end)');
  if (crc32(bytes.subarray(prefixLength)) !== view.getUint32(16, true)) {
    throw new CheckpointError(location, 'corrupt or truncated (CRC-32 mismatch)');
  }
  let header: { step: number; state: JSONObject; tensors: Array<{ name: string; shape: number[]; offset: number; length: number }> };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(prefixLength, prefixLength + headerLength)));
  } catch (error) {
    throw new CheckpointError(location, `unreadable header (${(error as Error).message})`);
  }
  const payloadStart = prefixLength + headerLength;
  const tensors = header.tensors.map((entry) => {
    const start = payloadStart + entry.offset;
    if (start + entry.length * 4 > bytes.length) throw new CheckpointError(location, `tensor '${entry.name}' runs past the end`);
    const source = new DataView(bytes.buffer, bytes.byteOffset + start, entry.length * 4);
    const values = new Float32Array(entry.length);
    for (let index = 0; index < entry.length; index += 1) values[index] = source.getFloat32(index * 4, true);
    return { name: entry.name, shape: entry.shape, values };
  });
  return { step: header.step, state: header.state, tensors };
}
