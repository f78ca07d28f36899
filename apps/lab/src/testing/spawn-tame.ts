import { expect } from 'vitest';
import { startTame, type StartTameOptions, type TameRun } from './start-tame.js';

export { tameBinary, type TameRun } from './start-tame.js';

export interface SpawnTameOptions extends StartTameOptions {
  /** The run is killed, and the promise rejects with what it printed so far, after this long. Default 100 s. */
  readonly timeoutMs?: number;
}

/**
 * Runs `tame ...args` in a fresh process (startTame) and waits for it. Resolves with the exit code and everything
 * printed; rejects if the run outlives the timeout.
 */
export function spawnTame(args: readonly string[], options: SpawnTameOptions): Promise<TameRun> {
  const started = startTame(args, options);
  const timeoutMs = options.timeoutMs ?? 100_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      started.killGroup('SIGKILL');
      reject(new Error(`tame ${args.join(' ')} ran past ${timeoutMs / 1000} s; stdout:\n${started.stdout()}\nstderr:\n${started.stderr()}`));
    }, timeoutMs);
  });
  return Promise.race([started.exited, timedOut]).finally(() => clearTimeout(timer));
}

/** A usage error as users see it: exit code 2, nothing on stdout, one line on stderr matching `message`, no stack trace. */
export function expectUsageError(run: TameRun, message: RegExp): void {
  expect(run.stderr.trimEnd()).toMatch(message);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stdout).toBe('');
  expect(run.exitCode).toBe(2);
}
