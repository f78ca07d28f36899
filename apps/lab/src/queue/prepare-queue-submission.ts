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
 * The checks a submitting command (`tame sweep`, `tame reproduce`) makes before it writes or queues anything, each
 * a one-line usage error: the URL, the store, every output directory inside the store, Redis answering. Returns
 * how to open the executor that one output directory's runs train through (its own parent job).
 */
export async function prepareQueueSubmission(
  command: string,
  flags: QueueFlags,
  outDirectories: readonly string[],
  log: (text: string) => void,
): Promise<(outDirectory: string) => Promise<QueueRunExecutor>> {
  const location = parseRedisLocation(command, flags.queue);
  const store = resolve(flags.store ?? '.');
  await checkStoreWritable(command, store);
  for (const outDirectory of outDirectories) {
    if (relativeToStore(store, outDirectory) === undefined) {
      throw new UsageError(`tame ${command}: --out ${outDirectory} must be inside the run store ${store} (workers find runs relative to it; pass --store)`);
    }
  }
  await checkRedisReachable(command, location);
  return (outDirectory) => createQueueRunExecutor({ location, store, sweepDirectory: resolve(outDirectory), resume: flags.resume, log });
}
