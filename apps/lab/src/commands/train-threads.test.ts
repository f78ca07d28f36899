// `tame train --threads N` as users run it: the same seeded run with 1 and 2 wasm threads, each in its own process
// (a process's thread pool is fixed), must give the same metrics and checkpoints, byte for byte.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTame } from '../testing/start-tame.js';
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

  it('checkpoints on Ctrl-C with its threads running, exits, and resumes from that step', async () => {
    const started = startTame(['train', '--dataset', 'mnist', '--steps', '100000', '--batch', '32', '--backend', 'wasm', '--threads', '2', '--out', 'interrupted'], { cwd: scratch });
    try {
      // The first progress line: training is under way, the pool busy.
      for (let waited = 0; !/^step \d+\/100000/m.test(started.stdout()); waited += 100) {
        if (waited > 90_000) throw new Error(`no progress line; stdout:\n${started.stdout()}\nstderr:\n${started.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      started.killGroup('SIGINT');
      const run = await started.exited;
      expect(run.exitCode).toBe(0);
      expect(run.stderr).toMatch(/interrupted: finishing this step and saving a checkpoint/);
      const stoppedAt = Number(/^stopped at step (\d+):/m.exec(run.stdout)?.[1]);
      expect(stoppedAt).toBeGreaterThan(0);
      const checkpoints = await readdir(join(scratch, 'interrupted', 'checkpoints'));
      expect(checkpoints).toContain(`checkpoint-${String(stoppedAt).padStart(9, '0')}.tame`);
      const resumed = await tame('train', '--resume', 'interrupted', '--steps', String(stoppedAt + 2), '--threads', '2');
      expect(resumed.exitCode).toBe(0);
      expect(resumed.stdout).toMatch(new RegExp(`^done at step ${stoppedAt + 2}:`, 'm'));
    } finally {
      started.killGroup('SIGKILL');
    }
  });

  it('rejects a thread count that is not a positive integer in one line', async () => {
    expectUsageError(await tame('train', '--threads', '0', '--out', 'bad'), /^tame train: --threads must be a positive integer \(wasm threads of this process\), got '0'$/);
    expectUsageError(await tame('train', '--threads', 'two', '--out', 'bad'), /^tame train: --threads must be a positive integer \(wasm threads of this process\), got 'two'$/);
  });
});
