import { resolve } from 'node:path';
import { UsageError } from '../usage-error.js';
import { checkStoreWritable } from './check-store.js';
import { checkRedisReachable } from './redis-client.js';
import { parseRedisLocation } from './redis-location.js';
import { createQueueRunExecutor, type QueueRunExecutor } from './queue-run-executor.js';
import { relativeToStore } from './store-path.js';

export interface QueueFlags {
  readonly queue: string;
  /** The run store (default: the working directory). */
  readonly store?: string | undefined;
  readonly resume: boolean;
}

/**
 * The checks a submitting command (`tame sweep`, `tame reproduce`) makes before it queues anything, each a
 * one-line usage error: the URL, the store, the output directory inside the store, Redis answering. Then the
 * executor its runs train through.
 */
export async function queueExecutorForCommand(command: string, flags: QueueFlags, outDirectory: string, log: (text: string) => void): Promise<QueueRunExecutor> {
  const location = parseRedisLocation(command, flags.queue);
  const store = resolve(flags.store ?? '.');
  await checkStoreWritable(command, store);
  if (relativeToStore(store, outDirectory) === undefined) {
    throw new UsageError(`tame ${command}: --out ${outDirectory} must be inside the run store ${store} (workers find runs relative to it; pass --store)`);
  }
  await checkRedisReachable(command, location);
  return createQueueRunExecutor({ location, store, sweepDirectory: resolve(outDirectory), resume: flags.resume, log });
}
