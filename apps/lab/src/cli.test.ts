// Every tame command as users run it: the real binary in a fresh process, in a scratch working directory, with no
// backend registered beforehand (the vitest set-up's backend lives in this process only). The run commands (train,
// eval, sample, report) are in cli-run.test.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, spawnTame, type TameRun } from './testing/spawn-tame.js';

let scratch: string;
const tame = (...args: string[]) => spawnTame(args, { cwd: scratch });

/** A run that worked: exit code 0 and nothing on stderr (checked first, so a failure shows the error). */
function expectSuccess(run: TameRun): void {
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tame-cli-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('tame', () => {
  it('--help lists every command and exits 0', async () => {
    const run = await tame('--help');
    expectSuccess(run);
    for (const command of ['train', 'eval', 'sample', 'report', 'data', 'classifier', 'sweep', 'fixed-points', 'reproduce', 'bench', 'worker']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('names an unknown command and the known ones', async () => {
    expectUsageError(await tame('trian'), /^tame: unknown command 'trian' \(expected one of: train, eval, .*bench, worker; tame --help explains them\)$/);
  });

  it('resolves relative paths against INIT_CWD, where npm says the user typed the command', async () => {
    const typedIn = await mkdtemp(join(tmpdir(), 'tame-cli-init-cwd-'));
    try {
      const run = await spawnTame(['fixed-points', '--data', 'lines', '--betas', '3', '--tiles', '4', '--out', 'figure'], { cwd: scratch, env: { INIT_CWD: typedIn } });
      expectSuccess(run);
      expect(run.stdout).toContain(`wrote ${join(typedIn, 'figure', 'fixed-points.html')}`);
    } finally {
      await rm(typedIn, { recursive: true, force: true });
    }
  });
});

describe('tame data inspect', () => {
  it('starts its own backend and prints the counts, shape, range and labels of the embedded MNIST', async () => {
    const run = await tame('data', 'inspect', 'mnist');
    expectSuccess(run);
    expect(run.stdout).toMatch(/^mnist: 9000 train, 1000 test examples of shape \[28,28,1\]\nvalues in \[0, 1\]\nlabels: 0: \d+, 1: \d+, .*9: \d+\n$/);
  });

  it('rejects an unknown dataset id, an unknown flag and an unknown backend in one line', async () => {
    expectUsageError(await tame('data', 'inspect', 'no-such-data'), /^tame: dataset 'no-such-data': unknown dataset; valid ids: mnist,/);
    expectUsageError(await tame('data', 'inspect', 'mnist', '--maxx', '3'), /^tame data inspect: Unknown option '--maxx' \(known flags: --json, --max, --backend\)$/);
    expectUsageError(await tame('data', 'inspect', 'mnist', '--backend', 'tpu'), /^tame data inspect: --backend must be one of auto, node-gpu, node, wasm, cpu; got 'tpu'$/);
  });
});

describe('tame classifier', () => {
  it('trains a classifier for two steps, saves it, and evaluates the saved weights', async () => {
    const trained = await tame('classifier', 'train', '--steps', '2', '--batch', '8', '--out', 'classifier.json', '--json');
    expectSuccess(trained);
    expect(JSON.parse(trained.stdout)).toMatchObject({ out: join(scratch, 'classifier.json'), steps: 2 });
    const evaluated = await tame('classifier', 'eval', '--weights', 'classifier.json');
    expectSuccess(evaluated);
    expect(evaluated.stdout).toMatch(/^test accuracy \d+\.\d\d% on 1000 held-out embedded MNIST digits\n$/);
  });

  it('needs a subcommand, and --out to train', async () => {
    expectUsageError(await tame('classifier'), /^tame classifier: expected 'train' or 'eval', got ''$/);
    expectUsageError(await tame('classifier', 'train'), /^tame classifier train: --out FILE is required/);
  });
});

describe('tame fixed-points', () => {
  it('sweeps three betas on a 4 x 4 grid and writes the figure and the record', async () => {
    const run = await tame('fixed-points', '--data', 'two-blobs', '--betas', '3', '--tiles', '4', '--out', 'fixed-points', '--json');
    expectSuccess(run);
    const printed = JSON.parse(run.stdout);
    expect(printed.betas).toHaveLength(3);
    expect(printed.fixedPoints).toHaveLength(3);
    expect(printed.out).toBe(join(scratch, 'fixed-points'));
    expect(JSON.parse(await readFile(join(scratch, 'fixed-points', 'fixed-points.json'), 'utf8'))).toMatchObject({ data: 'two-blobs', tileSide: 4 });
  });

  it('rejects an unknown toy dataset and a sweep too short to find a transition', async () => {
    expectUsageError(await tame('fixed-points', '--data', 'spirals'), /^tame fixed-points: --data must be one of two-blobs, lines, circles, got 'spirals'$/);
    expectUsageError(await tame('fixed-points', '--data', 'lines', '--betas', '2'), /^tame fixed-points: --betas must be an integer in \[3, 1000\], got '2'$/);
  });
});

describe('tame sweep', () => {
  it('trains the ELBO, annealed beta and GECO-RE runs with the given controller, and writes the table', async () => {
    const run = await tame(
      'sweep', '--dataset', 'micro-mnist', '--kappas', '0.1', '--steps', '2', '--batch', '7', '--parallel', '1', '--threads', '1', '--no-match-elbo',
      '--controller', 'pi:proportionalGain=2', '--out', 'sweep', '--json',
    );
    expectSuccess(run);
    const printed = JSON.parse(run.stdout);
    expect(printed.rows.map((row: { name: string }) => row.name)).toEqual(['elbo', 'beta-anneal-10', 'geco-re-0.1']);
    expect(printed.matched).toBeNull();
    const gecoConfig = JSON.parse(await readFile(join(scratch, 'sweep', 'geco-re-0.1', 'config.json'), 'utf8'));
    expect(gecoConfig.objective.controller).toMatchObject({ kind: 'pi', proportionalGain: 2 });
    expect(await readFile(join(scratch, 'sweep', 'information-plane.html'), 'utf8')).toContain('geco-re-0.1');
  });

  it('rejects a kappa outside (0, 1) and an unknown flag', async () => {
    expectUsageError(await tame('sweep', '--kappas', '0.1,2'), /^tame sweep: --kappas must be per-pixel RMSEs in \(0, 1\) separated by commas, e\.g\. 0\.08,0\.1,0\.15; got '0\.1,2'$/);
    expectUsageError(await tame('sweep', '--kappa', '0.1'), /^tame sweep: Unknown option '--kappa' \(known flags: /);
    expectUsageError(await tame('sweep', '--threads', '0', '--out', 'bad-threads'), /^tame sweep: --threads must be a positive integer \(wasm threads of this process\), got '0'$/);
    expectUsageError(await tame('sweep', '--controller', 'nope'), /^tame sweep: invalid experiment: objective\.controller\.kind: /);
  });
});

describe('tame reproduce', () => {
  it('lists the experiments', async () => {
    const run = await tame('reproduce', 'list', '--json');
    expectSuccess(run);
    expect(JSON.parse(run.stdout).map((reproduction: { id: string }) => reproduction.id)).toContain('figure-3');
  });

  it('runs Figure 3 at smoke scale and writes result.json and result.md', async () => {
    const run = await tame('reproduce', 'figure-3', '--smoke', '--out', 'figure-3', '--json');
    expectSuccess(run);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: 'figure-3', scale: 'smoke', outDirectory: join(scratch, 'figure-3') });
    expect(JSON.parse(await readFile(join(scratch, 'figure-3', 'result.json'), 'utf8'))).toMatchObject({ id: 'figure-3', scale: 'smoke' });
    expect(await readFile(join(scratch, 'figure-3', 'result.md'), 'utf8')).toMatch(/^### Figure 3/);
  });

  it('rejects an unknown experiment, two scales at once and --queue for a reproduction that cannot use it', async () => {
    expectUsageError(await tame('reproduce', 'figure-99'), /^tame reproduce: unknown experiment 'figure-99' \(known: figure-3, .*all, list\)$/);
    expectUsageError(await tame('reproduce', 'figure-3', '--smoke', '--faithful'), /^tame reproduce: --smoke and --faithful exclude each other/);
    expectUsageError(await tame('reproduce', 'figure-3', '--smoke', '--threads', '0'), /^tame reproduce: --threads must be a positive integer \(wasm threads of this process\), got '0'$/);
    expectUsageError(
      await tame('reproduce', 'bilbo-baggins', '--smoke', '--queue', 'redis://127.0.0.1:1', '--out', 'queued'),
      /^tame reproduce: --queue is not supported by bilbo-baggins \(it trains outside the shared run helper\); it is by figure-3, .*conditional-convdraw$/,
    );
  });
});

describe('tame bench', () => {
  it('times a training step of every model on wasm, each in its own process, with its threads and peak memory', async () => {
    const run = await tame('bench', '--backends', 'wasm', '--threads', '1,2', '--models', 'conv-vae,bilbo-vae,vae-nvp,convdraw', '--batch', '2', '--steps', '2', '--no-peer', '--json');
    expectSuccess(run);
    const results = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(results.map((result) => [result.model, result.threads])).toEqual(
      ['conv-vae reference', 'bilbo-vae small', 'vae-nvp small', 'convdraw small'].flatMap((model) => [[model, 1], [model, 2]]),
    );
    for (const result of results) {
      expect(result).toMatchObject({ backend: 'wasm', batch: 2, steps: 2, tensorGrowth: 0 });
      expect(result.msPerStep).toBeGreaterThan(0);
      expect(result.imagesPerSecond).toBeCloseTo(2000 / result.msPerStep, 0);
      expect(result.peakRssMiB).toBeGreaterThan(50);
    }
  });

  it('rejects an unknown backend, model or thread count', async () => {
    expectUsageError(await tame('bench', '--backends', 'wasm,tpu'), /^tame bench: unknown backend 'tpu' \(expected node-gpu, node, wasm, cpu\)$/);
    expectUsageError(await tame('bench', '--models', 'conv-vae,draw'), /^tame bench: unknown model 'draw' \(expected conv-vae, bilbo-vae, vae-nvp, convdraw\)$/);
    expectUsageError(await tame('bench', '--threads', '1,0'), /^tame bench: --threads must be a comma-separated list of positive integers, got '0'$/);
  });
});
