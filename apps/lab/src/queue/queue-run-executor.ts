import { TameError } from '@tame/core';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import type { RunSummary } from '../commands/train-command.js';
import { clearRunFiles, type RunExecutor } from '../run/run-executor.js';
import { createRedisClient } from './redis-client.js';
import type { RedisLocation } from './redis-location.js';
import { describeProgress, type RunJob, type RunJobProgress, type RunJobResult, runJobId, runsQueueName, sweepJobId, sweepsQueueName } from './run-job.js';
import { relativeToStore } from './store-path.js';

export interface QueueRunExecutorOptions {
  readonly location: RedisLocation;
  /** The run store workers reach; run directories travel relative to it. */
  readonly store: string;
  /** The sweep's (or reproduction's) output directory, inside the store: its parent job's identity. */
  readonly sweepDirectory: string;
  /**
   * Re-attach to jobs already queued for these runs (`--resume`): a finished job is not trained again, a running
   * one is waited for. Otherwise each run's old job and files are removed and it trains anew.
   */
  readonly resume: boolean;
  /** Lines about the queue itself (Redis unreachable and back). */
  log(text: string): void;
}

export interface QueueRunExecutor extends RunExecutor {
  close(): Promise<void>;
}

/** How often the submitter asks Redis for a job's state: events may be missed while Redis restarts, states are not. */
const pollIntervalMs = 1000;

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Trains runs as BullMQ jobs: the sweep is a parent job (a flow), each run a child job on the runs queue that
 * `tame worker`s take. Resolves each run with the summary its worker returned; the caller opens and evaluates the
 * run from the store as it does for local runs.
 */
export async function createQueueRunExecutor(options: QueueRunExecutorOptions): Promise<QueueRunExecutor> {
  const sweepDirectory = relativeToStore(options.store, options.sweepDirectory);
  if (sweepDirectory === undefined) throw new Error(`${options.sweepDirectory} is not inside the run store ${options.store}`);
  const client = createRedisClient(options.location);
  const queue = new Queue(runsQueueName, { connection: client });
  const flows = new FlowProducer({ connection: client });
  // QueueEvents blocks on its stream: a connection of its own.
  const eventsClient = createRedisClient(options.location);
  const events = new QueueEvents(runsQueueName, { connection: eventsClient });
  // Connection losses are retried below; unhandled, EventEmitter would throw them.
  queue.on('error', () => {});
  flows.on('error', () => {});
  events.on('error', () => {});
  const parentId = sweepJobId(sweepDirectory);
  await flows.add({ name: `sweep ${sweepDirectory}`, queueName: sweepsQueueName, data: { sweepDirectory }, opts: { jobId: parentId } });
  const progressListeners = new Map<string, (progress: RunJobProgress) => void>();
  events.on('progress', ({ jobId, data }) => progressListeners.get(jobId)?.(data as unknown as RunJobProgress));

  let unreachableSince: number | undefined;
  /** Runs `action`, retrying while Redis is unreachable (restarting, network cut) and saying so once. */
  const whileReachable = async <RESULT>(action: () => Promise<RESULT>): Promise<RESULT> => {
    for (;;) {
      try {
        const result = await action();
        if (unreachableSince !== undefined) {
          options.log(`Redis at ${options.location.display} is back after ${((performance.now() - unreachableSince) / 1000).toFixed(0)} s`);
          unreachableSince = undefined;
        }
        return result;
      } catch (error) {
        if (!/closed|ECONNREFUSED|ECONNRESET|no answer|LOADING/i.test((error as Error).message)) throw error;
        if (unreachableSince === undefined) {
          unreachableSince = performance.now();
          options.log(`Redis at ${options.location.display} is unreachable (${(error as Error).message}); waiting for it`);
        }
        await sleep(pollIntervalMs);
      }
    }
  };

  const submit = (job: RunJob, jobId: string) =>
    flows.add({ name: job.name, queueName: runsQueueName, data: job, opts: { jobId, parent: { id: parentId, queue: `bull:${sweepsQueueName}` } } });

  const waitForJob = async (job: RunJob, jobId: string): Promise<RunSummary> => {
    for (;;) {
      const state = await whileReachable(() => queue.getJobState(jobId));
      if (state === 'completed' || state === 'failed') {
        const finished = await whileReachable(() => queue.getJob(jobId));
        if (finished === undefined) continue;
        if (state === 'failed') throw new TameError('RunJobFailed', `run ${job.name} failed on a worker (job ${jobId}): ${finished.failedReason}`);
        return (finished.returnvalue as RunJobResult).summary;
      }
      // Gone: Redis lost its data (restarted without persistence). Queue it again; the run resumes from its checkpoint.
      if (state === 'unknown') await whileReachable(() => submit(job, jobId));
      await sleep(pollIntervalMs);
    }
  };

  return {
    async train(request, log) {
      const runDirectory = relativeToStore(options.store, request.runDirectory);
      if (runDirectory === undefined) throw new Error(`${request.runDirectory} is not inside the run store ${options.store}`);
      const job: RunJob = { name: request.name, runDirectory, config: request.config, ...(request.backend === undefined ? {} : { backend: request.backend }) };
      const jobId = runJobId(job);
      if (options.resume) {
        const existing = await whileReachable(() => queue.getJob(jobId));
        if (existing !== undefined && (await whileReachable(() => existing.getState())) === 'failed') await whileReachable(() => existing.retry('failed'));
      } else {
        const existing = await whileReachable(() => queue.getJob(jobId));
        if (existing !== undefined) {
          if (await whileReachable(() => existing.isActive())) throw new TameError('RunJobActive', `run ${request.name} is being trained by a worker as job ${jobId}; pass --resume to wait for it`);
          await whileReachable(() => existing.remove());
        }
        await clearRunFiles(request.runDirectory);
      }
      progressListeners.set(jobId, (progress) => log(describeProgress(progress)));
      try {
        await whileReachable(() => submit(job, jobId));
        log(`queued as job ${jobId}`);
        return await waitForJob(job, jobId);
      } finally {
        progressListeners.delete(jobId);
      }
    },
    async close() {
      await Promise.allSettled([events.close(), flows.close(), queue.close()]);
      await Promise.allSettled([client.quit(), eventsClient.quit()]);
    },
  };
}
