import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runExperiment, type RunSummary } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { finishedRunSummary } from './finished-run.js';
import { type OpenedRun, openRun } from './open-run.js';
import { runFiles } from './run-directory.js';
import { trainInChildProcess } from './train-in-child-process.js';

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
  /** tfjs backend name for training ('auto' when not set). */
  readonly backend?: string | undefined;
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
  const { runDirectory, config, backend } = options;
  const finished = options.reuseFinishedRuns ? await finishedRunSummary(runDirectory, config) : undefined;
  let training: RunTraining;
  if (finished !== undefined) {
    options.log('already trained with this config, evaluating it again');
    training = { summary: finished, reused: true, seconds: 0 };
  } else {
    // A run left here by an earlier, unfinished or different attempt would keep its later checkpoint (which openRun
    // would load) and its metrics rows: clear its files as `tame train --force` does.
    for (const file of Object.values(runFiles)) await rm(join(runDirectory, file), { recursive: true, force: true });
    const started = performance.now();
    const summary = options.inChildProcess
      ? await trainInChildProcess({ config, runDirectory, backend })
      : await runExperiment({ config, runDirectory, resuming: false, output: 'quiet', backend });
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
