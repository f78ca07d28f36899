import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors/tame-error.js';
import { decodeCheckpoint, encodeCheckpoint, type TrainingCheckpoint } from './checkpoint-format.js';
import { crc32 } from './crc32.js';
import { createFileCheckpointStore } from './file-checkpoint-store.js';

const sample = (step: number): TrainingCheckpoint => ({
  step,
  state: { lambda: 0.1 + 0.2, nested: { list: [1, 2.5e-300, null] } },
  tensors: [
    { name: 'model/kernel', shape: [2, 3], values: Float32Array.from([1, -2, 3.5, Number.MIN_VALUE, 1e-30, 7]) },
    { name: 'adam/m/model/kernel', shape: [2, 3], values: new Float32Array(6).fill(0.1) },
  ],
});

describe('checkpoint format', () => {
  it('round-trips JSON state and float32 tensors bit for bit', () => {
    const decoded = decodeCheckpoint(encodeCheckpoint(sample(12)), 'memory');
    expect(decoded).toEqual(sample(12));
    expect(decoded.state.lambda).toBe(0.1 + 0.2);
  });

  it('computes the standard CRC-32 (check value of "123456789" is 0xCBF43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('names the file and the problem for a wrong magic, truncation or a flipped byte', () => {
    const bytes = encodeCheckpoint(sample(3));
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello world, not a checkpoint'), 'a.tame')).toThrow(/a.tame: not a tame checkpoint/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 5), 'b.tame')).toThrow(/b.tame: corrupt or truncated/);
    const flipped = bytes.slice();
    flipped[flipped.length - 2]! ^= 0x10;
    expect(() => decodeCheckpoint(flipped, 'c.tame')).toThrow(CheckpointError);
  });
});

describe('createFileCheckpointStore', () => {
  it('saves atomically, keeps the newest few and loads the latest', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tame-checkpoints-'));
    const store = createFileCheckpointStore({ directory, keep: 2 });
    expect(await store.loadLatest()).toBeUndefined();
    for (const step of [10, 20, 30]) await store.save(sample(step));
    expect(await store.list()).toEqual(['checkpoint-000000020.tame', 'checkpoint-000000030.tame']);
    const latest = await store.loadLatest();
    expect(latest?.checkpoint.step).toBe(30);
    expect(latest?.location).toBe(join(directory, 'checkpoint-000000030.tame'));
  });

  it('is unaffected by a crash mid-write: a partial file never replaces a checkpoint', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tame-checkpoints-'));
    const store = createFileCheckpointStore({ directory });
    await store.save(sample(10));
    // What a process killed during save leaves behind: half of the next checkpoint in a temporary file.
    const next = encodeCheckpoint(sample(20));
    await writeFile(join(directory, 'checkpoint-000000020.tame.1a2b3c.partial'), next.subarray(0, next.length / 2));
    expect((await store.loadLatest())?.checkpoint.step).toBe(10);
    expect((await readdir(directory)).length).toBe(2);
  });

  it('reports a corrupt latest checkpoint with its path instead of loading it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tame-checkpoints-'));
    const store = createFileCheckpointStore({ directory });
    const path = await store.save(sample(5));
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, 40));
    await expect(store.loadLatest()).rejects.toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*truncated`));
  });
});
