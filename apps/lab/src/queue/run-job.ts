import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RunSummary } from '../commands/train-command.js';
import { canonicalJson } from '../run/finished-run.js';

/** The queue every run of every sweep goes to; workers take from it. */
export const runsQueueName = 'tame-runs';
/** Parent jobs, one per sweep or reproduction (a BullMQ flow): a record of which runs belong together; nothing processes them. */
export const sweepsQueueName = 'tame-sweeps';

/**
 * What a job carries. The experiment config stays `unknown` here: the worker checks it with experimentConfigSchema
 * (as `tame train` does) before touching a tensor, so a bad job fails with the schema's message.
 */
export const runJobSchema = z.object({
  /** The run's name in its sweep, e.g. 'geco-re-0.1'. */
  name: z.string().min(1),
  /** The run directory, relative to the run store every worker and the submitter reach (posix separators). */
  runDirectory: z.string().min(1),
  config: z.unknown(),
  backend: z.string().optional(),
});
export type RunJob = z.output<typeof runJobSchema>;

/** What a finished job returns: the run's summary.json. */
export interface RunJobResult {
  readonly summary: RunSummary;
}

/** Job progress, as workers report it and the submitter prints it (one line per update). */
export interface RunJobProgress {
  readonly step: number;
  readonly totalSteps: number;
  /** Step this attempt started from (a resumed run starts from its checkpoint). */
  readonly startStep: number;
  readonly constraints: ReadonlyArray<{ readonly name: string; readonly kappa: number; readonly value: number | null; readonly violation: number | null; readonly multiplier: number | null }>;
  readonly etaSeconds: number | null;
  /** 'HOST:PID' of the worker process. */
  readonly worker: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Job ids are derived, so that `--resume` (or a second submitter) finds the same jobs again instead of adding new
 * ones: the sweep's from its directory in the store, a run's from its directory and its config (a changed config
 * is a different job). BullMQ ids cannot contain ':'.
 */
export function sweepJobId(sweepDirectory: string): string {
  return `sweep-${digest(sweepDirectory)}`;
}

export function runJobId(job: Pick<RunJob, 'name' | 'runDirectory' | 'config'>): string {
  return `${job.name.replace(/[^\w.-]/g, '_')}-${digest(`${job.runDirectory}\n${canonicalJson(job.config)}`)}`;
}

const formatDuration = (seconds: number) => (seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`);

/** e.g. 'step 40/100 | re 0.1123 vs κ 0.1 (λ 3.2) | ETA 1m05s | worker gpu-1:4242'. */
export function describeProgress(progress: RunJobProgress): string {
  const parts = [`step ${progress.step}/${progress.totalSteps}${progress.startStep > 0 ? ` (resumed at ${progress.startStep})` : ''}`];
  for (const constraint of progress.constraints) {
    const figure = constraint.value !== null ? constraint.value.toFixed(4) : constraint.violation !== null ? `C/budget ${constraint.violation.toFixed(3)}` : '?';
    parts.push(`${constraint.name} ${figure} vs κ ${constraint.kappa}${constraint.multiplier === null ? '' : ` (λ ${constraint.multiplier.toPrecision(3)})`}`);
  }
  parts.push(`ETA ${progress.etaSeconds === null ? '?' : formatDuration(progress.etaSeconds)}`, `worker ${progress.worker}`);
  return parts.join(' | ');
}
