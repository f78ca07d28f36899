// The child process in which a worker trains one job (train-job.ts spawns it): runExperiment with JSON progress
// on stdout, SIGINT checkpointing as in `tame train`. It stops as soon as its worker is gone (the IPC channel
// closes), so that a killed worker's run is not written by two processes once another worker resumes it.
import { runExperiment } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';

export interface TrainJobMessage {
  readonly config: ExperimentConfig;
  readonly runDirectory: string;
  readonly resuming: boolean;
  readonly backend?: string | undefined;
  readonly threads?: number | undefined;
}

/** Exit status when the worker went away: nothing to report to anyone. */
const orphaned = 75;

process.on('disconnect', () => process.exit(orphaned));
process.once('message', (message: TrainJobMessage) => {
  runExperiment({ config: message.config, runDirectory: message.runDirectory, resuming: message.resuming, output: 'json', threads: message.threads, ...(message.backend === undefined ? {} : { backend: message.backend }) }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
});
