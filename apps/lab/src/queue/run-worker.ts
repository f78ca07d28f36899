import { hostname } from 'node:os';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { describeConfigIssues, type ExperimentConfig, experimentConfigSchema } from '../experiment/experiment-config.js';
import { finishedRunSummary, hasRunConfig } from '../run/finished-run.js';
import { latestCheckpointStep } from '../run/latest-checkpoint-step.js';
import { clearRunFiles } from '../run/run-executor.js';
import { createRedisClient } from './redis-client.js';
import type { RedisLocation } from './redis-location.js';
import { type RunJobProgress, type RunJobResult, runJobSchema, runsQueueName } from './run-job.js';
import { resolveInStore } from './store-path.js';
import { type StepRow, type TrainingJob, trainJob } from './train-job.js';

export interface RunWorkerOptions {
  readonly location: RedisLocation;
  /** The run store: job run directories are relative to it. */
  readonly store: string;
  /** Jobs trained at once, each in its own process. */
  readonly concurrency: number;
  /** wasm threads of each run's training process. */
  readonly threads?: number | undefined;
  /** How long a job's lock lasts without renewal: a worker silent this long (killed, cut off) loses its job. */
  readonly lockDurationMs: number;
  /** How often workers look for jobs whose lock expired, to give them to another worker. */
  readonly stalledIntervalMs: number;
  log(text: string): void;
}

export interface RunWorker {
  /** 'HOST:PID', as progress lines name the worker. */
  readonly name: string;
  /** Stops taking jobs; running jobs checkpoint and go back to the queue; resolves once the worker closed. */
  drain(): Promise<void>;
}

/** Updates of a job's progress at most this often (plus the last step): enough for a progress line, little traffic. */
const progressIntervalMs = 1000;

function constraintFigures(config: ExperimentConfig, row: StepRow): RunJobProgress['constraints'] {
  return config.constraints.map((constraint) => {
    const name = constraint.name ?? constraint.id;
    const violation = row[`${name}.violation`] ?? null;
    // RE and FRE: C / budget = MSE / κ² − 1, so the RMSE is κ·sqrt(1 + C / budget) (unless the objective rescales it).
    const inUnits = (constraint.id === 're' || constraint.id === 'fre') && config.objective.kind === 'geco' && config.objective.violationScale === undefined;
    return { name, kappa: constraint.kappa, value: inUnits && violation !== null ? constraint.kappa * Math.sqrt(Math.max(0, 1 + violation)) : null, violation, multiplier: row[`${name}.multiplier`] ?? null };
  });
}

/**
 * `tame worker`'s loop: takes run jobs from the queue, trains each into the store (resuming from the run's last
 * checkpoint when an earlier attempt left one with the same config), reports progress and returns the summary.
 * A job whose run already finished returns its summary without training it again.
 */
export function startRunWorker(options: RunWorkerOptions): RunWorker {
  const workerName = `${hostname()}:${process.pid}`;
  const running = new Set<TrainingJob>();
  let draining = false;

  const processJob = async (job: Job, token?: string): Promise<RunJobResult> => {
    const payload = runJobSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`job ${job.id} is not a tame run: ${payload.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const runDirectory = resolveInStore(options.store, payload.data.runDirectory);
    if (runDirectory === undefined) throw new UnrecoverableError(`job ${job.id}: run directory '${payload.data.runDirectory}' is not a relative path inside the store`);
    // The same schema as `tame train`, before any tensor exists.
    const parsed = experimentConfigSchema.safeParse(payload.data.config);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id}: invalid experiment: ${describeConfigIssues(parsed.error)}`);
    const config = parsed.data;
    const name = payload.data.name;
    const finished = await finishedRunSummary(runDirectory, config);
    if (finished !== undefined) {
      options.log(`${name}: ${runDirectory} already finished with this config; returning its summary`);
      return { summary: finished };
    }
    const resuming = await hasRunConfig(runDirectory, config);
    if (!resuming) await clearRunFiles(runDirectory);
    const startStep = resuming ? await latestCheckpointStep(runDirectory) : 0;
    options.log(`${name}: training into ${runDirectory} ${startStep > 0 ? `(resuming from the checkpoint at step ${startStep})` : 'from step 0'}`);
    const started = { time: performance.now(), step: startStep };
    let lastUpdate = -Infinity;
    const training = trainJob({
      config,
      runDirectory,
      resuming,
      backend: payload.data.backend,
      threads: options.threads,
      onStep(row) {
        const now = performance.now();
        if (now - lastUpdate < progressIntervalMs && row.step !== config.training.steps) return;
        lastUpdate = now;
        const stepsDone = row.step - started.step;
        const progress: RunJobProgress = {
          step: row.step,
          totalSteps: config.training.steps,
          startStep,
          constraints: constraintFigures(config, row),
          etaSeconds: stepsDone > 0 ? ((config.training.steps - row.step) * (now - started.time)) / stepsDone / 1000 : null,
          worker: workerName,
        };
        // A lost update (Redis restarting) only costs a progress line.
        job.updateProgress(progress as unknown as object).catch(() => {});
      },
    });
    running.add(training);
    if (draining) training.stop();
    try {
      const summary = await training.finished;
      if (summary.reason === 'aborted') {
        options.log(`${name}: checkpointed at step ${summary.step}; back to the queue`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      options.log(`${name}: finished at step ${summary.step}`);
      return { summary };
    } finally {
      running.delete(training);
    }
  };

  const worker = new Worker(runsQueueName, processJob, {
    connection: createRedisClient(options.location),
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    // A run whose worker died is resumed by another, however often machines fail; a run that fails fails once.
    maxStalledCount: 1000,
    name: workerName,
  });
  worker.on('error', () => {});
  worker.on('failed', (job, error) => {
    if (job !== undefined && !(error instanceof WaitingError)) options.log(`job ${job.id} failed: ${error.message}`);
  });

  return {
    name: workerName,
    async drain() {
      if (draining) return;
      draining = true;
      for (const training of running) training.stop();
      await worker.close();
    },
  };
}
