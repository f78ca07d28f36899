import { resolve } from 'node:path';
import { isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { checkStoreWritable } from '../queue/check-store.js';
import { checkRedisReachable } from '../queue/redis-client.js';
import { parseRedisLocation } from '../queue/redis-location.js';
import { startRunWorker } from '../queue/run-worker.js';
import { threadsFlag, threadsPerProcess } from '../thread-count.js';
import { UsageError } from '../usage-error.js';

export const workerFlags = {
  queue: { type: 'string' },
  store: { type: 'string' },
  concurrency: { type: 'string' },
  threads: { type: 'string' },
  'lock-duration': { type: 'string' },
  'stalled-interval': { type: 'string' },
} as const;

/** Milliseconds from a flag, else an environment variable (tests shorten both), else the default. */
function milliseconds(flags: Record<string, string | undefined>, name: 'lock-duration' | 'stalled-interval', variable: string, fallback: number): number {
  const fromEnvironment = process.env[variable];
  const text = flags[name] ?? fromEnvironment;
  const source = flags[name] !== undefined ? `--${name}` : variable;
  const value = numberFlag('worker', name, text, fallback, isPositiveInteger, 'a whole number of milliseconds');
  if (value < 200) throw new UsageError(`tame worker: ${source} must be at least 200 ms, got ${value}`);
  return value;
}

/**
 * `tame worker --queue redis://HOST:PORT --store DIR [--concurrency N]`: trains the runs that `tame sweep --queue`
 * (and `tame reproduce --queue`) submit, into the shared run store, until SIGINT or SIGTERM: then the runs in
 * progress checkpoint and go back to the queue, and it exits 0.
 */
export async function workerCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('worker', argv, workerFlags);
  if (flags.queue === undefined) throw new UsageError('tame worker: --queue redis://HOST:PORT is required (the Redis the submitter uses)');
  if (flags.store === undefined) throw new UsageError('tame worker: --store DIR is required (the run store, shared with the submitter)');
  const location = parseRedisLocation('worker', flags.queue);
  const concurrency = numberFlag('worker', 'concurrency', flags.concurrency, 1, isPositiveInteger, 'a positive integer (runs trained at once, one process each)');
  // Each run trains in its own process; by default the cores are divided between the runs trained at once.
  const threads = threadsFlag('worker', flags.threads) ?? threadsPerProcess(concurrency);
  const lockDurationMs = milliseconds(flags, 'lock-duration', 'TAME_QUEUE_LOCK_DURATION_MS', 30_000);
  const stalledIntervalMs = milliseconds(flags, 'stalled-interval', 'TAME_QUEUE_STALLED_INTERVAL_MS', 30_000);
  const store = resolve(flags.store);
  await checkStoreWritable('worker', flags.store);
  await checkRedisReachable('worker', location);
  const log = (text: string) => process.stdout.write(`${text}\n`);
  const worker = startRunWorker({ location, store, concurrency, threads, lockDurationMs, stalledIntervalMs, log });
  log(`tame worker ${worker.name}: taking runs from ${location.display} into ${store}, ${concurrency} at a time, ${threads} thread${threads === 1 ? '' : 's'} each (Ctrl-C: checkpoint and give them back)`);
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: checkpointing the runs in progress and putting them back on the queue`);
      worker.drain().then(done, done);
    };
    // `on`, not `once`: a terminal's Ctrl-C can arrive twice (directly and relayed by tsx); drain is idempotent.
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  log('tame worker: closed');
  // Nothing to wait for: connections BullMQ keeps for reuse must not hold the process open.
  process.exit(0);
}
