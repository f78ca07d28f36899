import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runExperiment, type RunSummary } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { runFiles } from './run-directory.js';
import { trainInChildProcess } from './train-in-child-process.js';

/** One run to train: what `tame train --config <config> --out <runDirectory>` would train. */
export interface RunRequest {
  /** The run's name in its experiment (e.g. 'geco-re-0.1'), for progress lines and job names. */
  readonly name: string;
  readonly config: ExperimentConfig;
  readonly runDirectory: string;
  /** tfjs backend name for training ('auto' when not set). */
  readonly backend?: string | undefined;
  /** wasm threads of a run trained in its own process (default: every core); in this process the backend's are kept. */
  readonly threads?: number | undefined;
}

/**
 * Where the runs of an experiment train: in this process, in a child process per run (today's default for
 * sweeps), or as jobs of a queue that workers on other machines take (src/queue). Experiments only call `train`;
 * they still open and evaluate each finished run themselves.
 */
export interface RunExecutor {
  /** Trains the run into its directory and resolves with its summary; a failed run rejects. */
  train(request: RunRequest, log: (text: string) => void): Promise<RunSummary>;
}

/** A run left by an earlier, unfinished or different attempt keeps its checkpoints and metrics rows: clear them as `tame train --force` does. */
export async function clearRunFiles(runDirectory: string): Promise<void> {
  for (const file of Object.values(runFiles)) await rm(join(runDirectory, file), { recursive: true, force: true });
}

/** Trains in this process: fastest to start, but one run at a time per process. */
export const inProcessExecutor: RunExecutor = {
  async train({ config, runDirectory, backend }) {
    await clearRunFiles(runDirectory);
    return runExperiment({ config, runDirectory, resuming: false, output: 'quiet', backend });
  },
};

/** Trains through `tame train` in a child process, so parallel runs share the cores (`threads` each). */
export const childProcessExecutor: RunExecutor = {
  async train({ config, runDirectory, backend, threads }) {
    await clearRunFiles(runDirectory);
    return trainInChildProcess({ config, runDirectory, ...(backend === undefined ? {} : { backend }), ...(threads === undefined ? {} : { threads }) });
  },
};
