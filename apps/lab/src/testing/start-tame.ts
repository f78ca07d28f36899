import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `tame` binary as npm links it: apps/lab/bin/tame.js. */
export const tameBinary = fileURLToPath(new URL('../../bin/tame.js', import.meta.url));

export interface TameRun {
  /** The exit status; null when a signal ended the process. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface StartTameOptions {
  /** Working directory: where relative paths (--out, --run) land. */
  readonly cwd: string;
  /** Variables added to the cleaned environment (e.g. INIT_CWD, to test how the binary honours it). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface StartedTame {
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and closed its output. */
  readonly exited: Promise<TameRun>;
  /** Signals the whole process group (tame.js, tsx, node), as a machine dying (SIGKILL) would. */
  killGroup(signal: NodeJS.Signals): void;
}

/** Variables of the test process that must not reach the binary: npm's INIT_CWD moves it, vitest's mark a test. */
const leakedVariable = (name: string) => name === 'INIT_CWD' || name === 'TAME_TEST_BACKEND' || name.startsWith('VITEST') || name === 'NODE_OPTIONS';

/**
 * Starts `node apps/lab/bin/tame.js ...args` in a fresh process, the way a user runs `tame`: nothing of the test
 * process carries over (no TensorFlow.js backend registered by the vitest set-up, no INIT_CWD, no vitest variables).
 * Does not wait for it: for processes a test runs beside others (queue workers, a submitter it interrupts), and the
 * base of spawnTame. The caller must end it (killGroup) in its clean-up.
 */
export function startTame(args: readonly string[], options: StartTameOptions): StartedTame {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !leakedVariable(name)));
  // Its own process group: tame.js runs tsx, which runs node again; killGroup reaches all three.
  const child = spawn(process.execPath, [tameBinary, ...args], { cwd: options.cwd, env: { ...env, ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<TameRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    killGroup(signal) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    },
  };
}
