import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The `tame` binary as npm links it: apps/lab/bin/tame.js. */
export const tameBinary = fileURLToPath(new URL('../../bin/tame.js', import.meta.url));

export interface TameRun {
  /** The exit status; null when a signal ended the process. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnTameOptions {
  /** Working directory: where relative paths (--out, --run) land. */
  readonly cwd: string;
  /** Variables added to the cleaned environment (e.g. INIT_CWD, to test how the binary honours it). */
  readonly env?: Readonly<Record<string, string>>;
  /** The run is killed, and the promise rejects with what it printed so far, after this long. Default 100 s. */
  readonly timeoutMs?: number;
}

/** Variables of the test process that must not reach the binary: npm's INIT_CWD moves it, vitest's mark a test. */
const leakedVariable = (name: string) => name === 'INIT_CWD' || name === 'TAME_TEST_BACKEND' || name.startsWith('VITEST') || name === 'NODE_OPTIONS';

/**
 * Runs `node apps/lab/bin/tame.js ...args` in a fresh process, the way a user runs `tame`: nothing of the test
 * process carries over (no TensorFlow.js backend registered by the vitest set-up, no INIT_CWD, no vitest variables).
 * Resolves with the exit code and everything printed; rejects if the run outlives the timeout.
 */
export function spawnTame(args: readonly string[], options: SpawnTameOptions): Promise<TameRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !leakedVariable(name)));
  // Its own process group: tame.js runs tsx, which runs node again; a timeout kills all three.
  const child = spawn(process.execPath, [tameBinary, ...args], { cwd: options.cwd, env: { ...env, ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 100_000;
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`tame ${args.join(' ')} ran past ${timeoutMs / 1000} s; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** A usage error as users see it: exit code 2, nothing on stdout, one line on stderr matching `message`, no stack trace. */
export function expectUsageError(run: TameRun, message: RegExp): void {
  expect(run.stderr.trimEnd()).toMatch(message);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stdout).toBe('');
  expect(run.exitCode).toBe(2);
}
