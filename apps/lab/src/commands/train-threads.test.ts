// `tame train --threads N` as users run it: the same seeded run with 1 and 2 wasm threads, each in its own process
// (a process's thread pool is fixed), must give the same metrics and checkpoints, byte for byte.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, spawnTame } from '../testing/spawn-tame.js';

let scratch: string;
const tame = (...args: string[]) => spawnTame(args, { cwd: scratch });
const train = (threads: number) => tame('train', '--dataset', 'mnist', '--steps', '100', '--batch', '32', '--backend', 'wasm', '--threads', String(threads), '--out', `threads-${threads}`);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tame-threads-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('tame train --threads', () => {
  it('trains the same run on 1 and 2 threads: equal metrics, equal checkpoints', async () => {
    const [one, two] = await Promise.all([train(1), train(2)]);
    for (const run of [one, two]) {
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
    }
    expect(one.stdout).toMatch(/; backend wasm \(1 thread\); run threads-1\n/);
    expect(two.stdout).toMatch(/; backend wasm \(2 threads\); run threads-2\n/);
    const metrics = (threads: number) => readFile(join(scratch, `threads-${threads}`, 'metrics.jsonl'), 'utf8');
    const metricsOne = await metrics(1);
    expect(metricsOne.trim().split('\n')).toHaveLength(100);
    expect(await metrics(2)).toBe(metricsOne);
    const checkpoints = await readdir(join(scratch, 'threads-1', 'checkpoints'));
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(await readdir(join(scratch, 'threads-2', 'checkpoints'))).toEqual(checkpoints);
    for (const file of checkpoints) {
      const bytes = (threads: number) => readFile(join(scratch, `threads-${threads}`, 'checkpoints', file));
      expect((await bytes(2)).equals(await bytes(1))).toBe(true);
    }
  });

  it('rejects a thread count that is not a positive integer in one line', async () => {
    expectUsageError(await tame('train', '--threads', '0', '--out', 'bad'), /^tame train: --threads must be a positive integer \(wasm threads of this process\), got '0'$/);
    expectUsageError(await tame('train', '--threads', 'two', '--out', 'bad'), /^tame train: --threads must be a positive integer \(wasm threads of this process\), got 'two'$/);
  });
});
