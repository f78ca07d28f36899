import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { sourceNodeArguments } from '../run/source-node-arguments.js';
import type { TrainJobMessage } from './train-job-process.js';

const childEntry = join(dirname(fileURLToPath(import.meta.url)), 'train-job-process.ts');

/** One logged step of the child's JSON progress: `tame train --json`'s rows. */
export type StepRow = Readonly<Record<string, number>> & { readonly step: number };

export interface TrainJobOptions {
  readonly config: ExperimentConfig;
  readonly runDirectory: string;
  /** Continue from the run's newest checkpoint (its config.json is `config`). */
  readonly resuming: boolean;
  readonly backend?: string | undefined;
  /** wasm threads of the child process (default 1). */
  readonly threads?: number | undefined;
  onStep(row: StepRow): void;
}

export interface TrainingJob {
  /** The summary; `reason` is 'aborted' when `stop` checkpointed it early. */
  readonly finished: Promise<RunSummary>;
  /** Asks the run to finish its step, checkpoint and stop (SIGINT, as Ctrl-C does to `tame train`). */
  stop(): void;
}

/**
 * Trains one job in a child process, so that the worker's event loop stays free to renew its job locks while a
 * step computes (a blocked loop would make the job look stalled), and runs of `--concurrency N` share the cores.
 * The child has its own process group: a Ctrl-C at the worker's terminal reaches the worker, which stops the
 * child once, rather than both twice.
 */
export function trainJob(options: TrainJobOptions): TrainingJob {
  // tsx as a loader in this one process (tsx's own CLI would add a process between the IPC channel and the run).
  const child = spawn(process.execPath, sourceNodeArguments(childEntry), {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
    env: { ...process.env, INIT_CWD: process.cwd() },
  });
  let stdoutTail = '';
  let stderrTail = '';
  let summary: RunSummary | undefined;
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    const lines = (stdoutTail + text).split('\n');
    stdoutTail = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as { summary?: RunSummary; step?: number };
      if (parsed.summary !== undefined) summary = parsed.summary;
      else if (typeof parsed.step === 'number') options.onStep(parsed as StepRow);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderrTail = (stderrTail + text).slice(-4000)));
  const message: TrainJobMessage = { config: options.config, runDirectory: options.runDirectory, resuming: options.resuming, backend: options.backend, threads: options.threads };
  child.send(message);
  const finished = new Promise<RunSummary>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && summary !== undefined) resolve(summary);
      else reject(new Error(`training ${options.runDirectory} failed (exit ${code}): ${stderrTail.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
  let stopping = false;
  return {
    finished,
    stop() {
      if (stopping || child.exitCode !== null) return;
      stopping = true;
      child.kill('SIGINT');
    },
  };
}
