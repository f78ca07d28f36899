import { basename } from 'node:path';
import type { RunSummary } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { finishedRunSummary } from './finished-run.js';
import { type OpenedRun, openRun } from './open-run.js';
import { childProcessExecutor, inProcessExecutor, type RunExecutor } from './run-executor.js';

/** A mutex: `acquire` resolves with the function that releases it. */
export interface Lock {
  acquire(): Promise<() => void>;
}

export interface TrainAndOpenRunOptions {
  readonly runDirectory: string;
  readonly config: ExperimentConfig;
  /** Skip training when runDirectory already finished training with exactly this config (`tame reproduce --resume`). */
  readonly reuseFinishedRuns: boolean;
  /**
   * Train through `tame train` in a child process (parallel callers then use one core each: the wasm backend computes
   * on one core per process) rather than in this process (faster to start).
   */
  readonly inChildProcess: boolean;
  /** Trains the run elsewhere (e.g. on a queue's workers, src/queue); overrides inChildProcess. */
  readonly executor?: RunExecutor | undefined;
  /** The run's name in its experiment (default: the directory's name), for the executor's progress and job names. */
  readonly name?: string;
  /** tfjs backend name for training ('auto' when not set). */
  readonly backend?: string | undefined;
  /** wasm threads of a run trained in a child process (its share of the cores when several train at once). */
  readonly threads?: number | undefined;
  /** Command named in usage errors about the run directory, e.g. 'reproduce'. */
  readonly command: string;
  /** Held from opening the run to disposing it: two live copies of a model clash on variable names. */
  readonly openLock?: Lock;
  /** Progress about the run itself (one line per call); callers prefix the run's name. */
  log(text: string): void;
}

export interface RunTraining {
  readonly summary: RunSummary;
  /** True when a finished run was reused instead of trained. */
  readonly reused: boolean;
  /** Wall time of the training in this call, seconds (0 when reused). */
  readonly seconds: number;
}

/**
 * The loop every experiment repeats: trains `config` into `runDirectory` (or reuses the run when it already finished
 * with this config), opens the trained model and its dataset, hands them to `use` and frees them, whether `use`
 * returns or throws. Returns what `use` returns.
 */
export async function trainAndOpenRun<RESULT>(options: TrainAndOpenRunOptions, use: (run: OpenedRun, training: RunTraining) => Promise<RESULT>): Promise<RESULT> {
  const { runDirectory, config, backend, threads } = options;
  const finished = options.reuseFinishedRuns ? await finishedRunSummary(runDirectory, config) : undefined;
  let training: RunTraining;
  if (finished !== undefined) {
    options.log('already trained with this config, evaluating it again');
    training = { summary: finished, reused: true, seconds: 0 };
  } else {
    // The executor clears what an earlier, unfinished or different attempt left (a later checkpoint, which openRun
    // would load, and metrics rows), or resumes it where it can tell the attempt was this run (the queue's workers).
    const executor = options.executor ?? (options.inChildProcess ? childProcessExecutor : inProcessExecutor);
    const started = performance.now();
    const summary = await executor.train({ name: options.name ?? basename(runDirectory), config, runDirectory, backend, threads }, options.log);
    training = { summary, reused: false, seconds: (performance.now() - started) / 1000 };
  }
  const release = options.openLock === undefined ? () => {} : await options.openLock.acquire();
  try {
    const opened = await openRun(options.command, runDirectory);
    try {
      return await use(opened, training);
    } finally {
      opened.dispose();
    }
  } finally {
    release();
  }
}
