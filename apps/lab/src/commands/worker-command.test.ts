// Sweeps across machines, with real parts: a private redis-server, `tame worker` processes and the `tame sweep
// --queue` submitter, all the real binary. Runs are a few steps on micro-mnist (7 digits) so that each test is
// mostly process start-up.
import { readdir, readFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerAvailable, redisServerPath, startRedisServer } from '../testing/redis-server.js';
import { expectUsageError, spawnTame } from '../testing/spawn-tame.js';
import { type StartedTame, startTame } from '../testing/start-tame.js';

if (!redisServerAvailable) console.warn(`worker-command.test.ts skipped: ${redisServerPath} is absent (apt-get install redis-server; CI installs it)`);

let redis: RedisServer;
let store: string;
const started: StartedTame[] = [];
// 30 steps, a checkpoint every 2: a worker killed after its first checkpoint still has most of its run ahead.
const baseConfig = { dataset: 'micro-mnist', training: { steps: 30, batchSize: 7, checkpointEvery: 2, logEvery: 2 } };
const sweepArgs = (out: string, ...more: string[]) => ['sweep', '--config', 'base.json', '--kappas', '0.1', '--no-match-elbo', '--out', out, '--json', ...more];
const runNames = ['elbo', 'beta-anneal-10', 'geco-re-0.1'];

/** A worker with short locks: a killed worker's job is given to another after about 2 s. */
function startWorker(): StartedTame {
  const worker = startTame(['worker', '--queue', redis.url, '--store', '.', '--lock-duration', '2000', '--stalled-interval', '1000'], { cwd: store });
  started.push(worker);
  return worker;
}

function startSubmitter(args: string[]): StartedTame {
  const submitter = startTame(args, { cwd: store });
  started.push(submitter);
  return submitter;
}

/** Polls until `condition` holds; the test's own timeout bounds the wait. */
async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function hasCheckpoint(runDirectory: string): Promise<boolean> {
  const names = await readdir(join(runDirectory, 'checkpoints')).catch(() => [] as string[]);
  return names.some((name) => name.endsWith('.tame'));
}

/** The worker's process id, from its first line ('tame worker HOST:PID: ...'): SIGTERM it, not the tame.js wrapper. */
function workerPid(worker: StartedTame): number {
  const match = /^tame worker \S+:(\d+):/m.exec(worker.stdout());
  if (match === null) throw new Error(`no worker line yet: ${worker.stdout()}`);
  return Number(match[1]);
}

async function stopWorker(worker: StartedTame): Promise<void> {
  await waitFor(() => /^tame worker /m.test(worker.stdout()));
  process.kill(workerPid(worker), 'SIGTERM');
  const run = await worker.exited;
  expect(run.stdout).toMatch(/tame worker: closed/);
  expect(run.exitCode).toBe(0);
}

const trainingLines = (output: string, sweep: string, run: string) => output.split('\n').filter((line) => line.startsWith(`${run}: training into `) && line.includes(`/${sweep}/${run} `));

describe.skipIf(!redisServerAvailable)('tame sweep --queue and tame worker', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    store = await mkdtemp(join(tmpdir(), 'tame-queue-store-'));
    await writeFile(join(store, 'base.json'), JSON.stringify(baseConfig));
  });

  afterEach(() => {
    for (const tame of started.splice(0)) tame.killGroup('SIGKILL');
  });

  afterAll(async () => {
    await redis?.stop();
    if (store !== undefined) await rm(store, { recursive: true, force: true });
  });

  it('rejects a bad URL, an unreachable Redis and a store it cannot write in one line each (exit 2)', async () => {
    await writeFile(join(store, 'a-file'), '');
    const tame = (...args: string[]) => spawnTame(args, { cwd: store });
    expectUsageError(await tame('worker', '--queue', 'http://127.0.0.1:6379', '--store', '.'), /^tame worker: --queue must be redis:\/\/\[:password@\]HOST:PORT\[\/DB\], got 'http:\/\/127\.0\.0\.1:6379'$/);
    expectUsageError(await tame('worker', '--queue', 'redis://127.0.0.1:1', '--store', '.'), /^tame worker: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    expectUsageError(await tame('worker', '--queue', redis.url, '--store', 'a-file'), /^tame worker: run store a-file is not a directory$/);
    expectUsageError(await tame('worker', '--queue', redis.url, '--store', 'missing'), /^tame worker: run store missing does not exist/);
    expectUsageError(await tame('worker', '--queue', redis.url, '--store', '.', '--threads', '0'), /^tame worker: --threads must be a positive integer \(wasm threads of this process\), got '0'$/);
    expectUsageError(await tame(...sweepArgs('bad-url', '--queue', 'redis://127.0.0.1:notaport')), /^tame sweep: --queue must be redis:/);
    expectUsageError(await tame(...sweepArgs('unreachable', '--queue', 'redis://127.0.0.1:1')), /^tame sweep: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    expectUsageError(await tame(...sweepArgs(join(tmpdir(), 'outside-the-store'), '--queue', redis.url)), /^tame sweep: --out .* must be inside the run store /);
  });

  it('finishes a sweep whose worker is killed after its first checkpoint: another resumes the run, and the results equal a local sweep', async () => {
    const first = startWorker();
    const submitter = startSubmitter(sweepArgs('sweep-a', '--queue', redis.url));
    // The first worker takes the first run; kill it (and its process group: a machine dying) once it checkpointed.
    await waitFor(() => hasCheckpoint(join(store, 'sweep-a', 'elbo')));
    first.killGroup('SIGKILL');
    await first.exited;
    const second = startWorker();
    const queued = await submitter.exited;
    expect(queued.stderr).toBe('');
    expect(queued.exitCode).toBe(0);
    // The second worker resumed elbo from a checkpoint, not from step 0, and trained the others.
    expect(second.stdout()).toMatch(/^elbo: training into \S+\/sweep-a\/elbo \(resuming from the checkpoint at step [1-9]\d*\)$/m);
    await stopWorker(second);

    const local = await spawnTame(sweepArgs('sweep-local', '--parallel', '1'), { cwd: store, timeoutMs: 200_000 });
    expect(local.exitCode).toBe(0);
    const rows = (run: string) => (JSON.parse(run) as { rows: unknown[] }).rows;
    expect(rows(queued.stdout)).toEqual(rows(local.stdout));
    const saved = JSON.parse(await readFile(join(store, 'sweep-a', 'sweep.json'), 'utf8'));
    expect(saved.rows).toEqual(rows(local.stdout));
    expect(await readFile(join(store, 'sweep-a', 'information-plane.html'), 'utf8')).toContain('<svg');
  }, 400_000);

  it('finishes a sweep while Redis restarts under it', async () => {
    const worker = startWorker();
    const submitter = startSubmitter(sweepArgs('sweep-b', '--queue', redis.url));
    await waitFor(() => hasCheckpoint(join(store, 'sweep-b', 'elbo')));
    await redis.restart({ downMs: 500 });
    const run = await submitter.exited;
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect((JSON.parse(run.stdout) as { rows: Array<{ name: string }> }).rows.map((row) => row.name)).toEqual(runNames);
    await stopWorker(worker);
  }, 400_000);

  it('re-attaches an interrupted submitter with --resume, and trains no run twice', async () => {
    const worker = startWorker();
    const first = startSubmitter(sweepArgs('sweep-d', '--queue', redis.url));
    await waitFor(() => /^elbo: finished at step 30$/m.test(worker.stdout()));
    first.killGroup('SIGKILL');
    await first.exited;
    const resumed = await spawnTame(sweepArgs('sweep-d', '--queue', redis.url, '--resume'), { cwd: store, timeoutMs: 200_000 });
    expect(resumed.stderr).toBe('');
    expect(resumed.exitCode).toBe(0);
    expect((JSON.parse(resumed.stdout) as { rows: Array<{ name: string }> }).rows.map((row) => row.name)).toEqual(runNames);
    await stopWorker(worker);
    for (const name of runNames) expect(trainingLines(worker.stdout(), 'sweep-d', name)).toHaveLength(1);
  }, 400_000);

  it('fails a job whose run directory leaves the store or whose config is invalid, before training', async () => {
    await mkdir(join(store, 'jobs'), { recursive: true });
    const { Queue } = await import('bullmq');
    const { createRedisClient } = await import('../queue/redis-client.js');
    const { parseRedisLocation } = await import('../queue/redis-location.js');
    const client = createRedisClient(parseRedisLocation('test', redis.url));
    const queue = new Queue('tame-runs', { connection: client });
    const worker = startWorker();
    try {
      await queue.add('escape', { name: 'escape', runDirectory: '../outside', config: baseConfig }, { jobId: 'escape' });
      await queue.add('invalid', { name: 'invalid', runDirectory: 'jobs/invalid', config: { ...baseConfig, training: { steps: -1 } } }, { jobId: 'invalid' });
      await waitFor(async () => (await queue.getJobState('escape')) === 'failed' && (await queue.getJobState('invalid')) === 'failed');
      expect((await queue.getJob('escape'))?.failedReason).toMatch(/run directory '\.\.\/outside' is not a relative path inside the store/);
      expect((await queue.getJob('invalid'))?.failedReason).toMatch(/^job invalid: invalid experiment: training\.steps/);
      expect(await readdir(join(store, 'jobs'))).toEqual([]);
    } finally {
      await queue.close();
      await client.quit();
    }
    await stopWorker(worker);
  }, 200_000);
});
