// The run commands (train, eval, sample, report) as users run them: the real binary in a fresh process, with no
// backend registered beforehand. One tiny run is trained once and read by the others.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, spawnTame, type TameRun } from './testing/spawn-tame.js';

let scratch: string;
let trained: TameRun;
const tame = (...args: string[]) => spawnTame(args, { cwd: scratch });

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tame-cli-run-'));
  // micro-mnist: 7 training digits, the same 7 as the test split, so evaluating is instant.
  trained = await tame('train', '--dataset', 'micro-mnist', '--steps', '3', '--batch', '7', '--out', 'run');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('tame train', () => {
  it('trains into --out, relative to the working directory, and says what it did', async () => {
    expect(trained.stderr).toBe('');
    expect(trained.exitCode).toBe(0);
    // By default the wasm backend runs a thread per core.
    const cores = availableParallelism();
    expect(trained.stdout).toMatch(new RegExp(`^tame train: conv-vae on micro-mnist, GECO: .*3 steps of 7; backend (wasm \\(${cores} threads?\\)|node|node-gpu); run run\n`));
    expect(trained.stdout).toMatch(/^done at step 3: .* over 7 examples$/m);
    const summary = JSON.parse(await readFile(join(scratch, 'run', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ run: 'run', step: 3, reason: 'completed' });
  });

  it('refuses to overwrite a run, and names the fix', async () => {
    expectUsageError(await tame('train', '--out', 'run', '--steps', '1'), /^tame train: run already exists; pass --force to overwrite it or --resume run to continue it$/);
  });

  it('rejects an unknown flag, dataset, controller or backend in one line', async () => {
    expectUsageError(await tame('train', '--stepz', '3'), /^tame train: Unknown option '--stepz' \(known flags: --config, /);
    expectUsageError(await tame('train', '--dataset', 'no-such-data', '--steps', '1', '--out', 'bad-dataset'), /^tame: dataset 'no-such-data': unknown dataset; valid ids: mnist,/);
    expectUsageError(await tame('train', '--controller', 'nope', '--out', 'bad-controller'), /^tame train: invalid experiment: objective\.controller\.kind: /);
    expectUsageError(await tame('train', '--backend', 'gpu', '--out', 'bad-backend'), /^tame train: --backend must be one of auto, node-gpu, node, wasm, cpu; got 'gpu'$/);
  });
});

describe('tame eval', () => {
  it('evaluates the run on its test split', async () => {
    const run = await tame('eval', '--run', 'run', '--json');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ step: 3, examples: 7, constraintStatus: { re: { kappa: 0.1 } } });
    expect(result.reconstructionMse).toBeGreaterThan(0);
  });

  it('needs --run, and a run directory that exists', async () => {
    expectUsageError(await tame('eval'), /^tame eval: --run <run directory> is required$/);
    expectUsageError(await tame('eval', '--run', 'missing'), /^tame eval: run directory missing does not exist$/);
  });
});

describe('tame sample', () => {
  it('writes a PNG grid of prior samples', async () => {
    const run = await tame('sample', '--run', 'run', '--n', '4', '--out', 'grid.png');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`wrote 4 samples of run (step 3) to ${join(scratch, 'grid.png')}\n`);
    expect((await readFile(join(scratch, 'grid.png'))).subarray(1, 4).toString()).toBe('PNG');
  });

  it('rejects a count out of range and a non-PNG --out', async () => {
    expectUsageError(await tame('sample', '--run', 'run', '--n', '0'), /^tame sample: --n must be an integer in \[1, 1024\], got '0'$/);
    expectUsageError(await tame('sample', '--run', 'run', '--out', 'grid.jpg'), /^tame sample: --out must name a \.png file, got 'grid\.jpg'$/);
  });
});

describe('tame report', () => {
  it("rewrites the run's report.html", async () => {
    const run = await tame('report', '--run', 'run');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`wrote ${join('run', 'report.html')}\n`);
    expect(await readFile(join(scratch, 'run', 'report.html'), 'utf8')).toMatch(/micro-mnist/);
  });

  it('names a missing run directory and a non-PNG screenshot', async () => {
    expectUsageError(await tame('report', '--run', 'missing'), /^tame report: run directory missing does not exist$/);
    expectUsageError(await tame('report', '--run', 'run', '--screenshot', 'report.jpg'), /^tame report: --screenshot must name a \.png file, got 'report\.jpg'$/);
  });
});
