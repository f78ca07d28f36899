import { spawn } from 'node:child_process';
import { tameBinary, type TameRun } from './spawn-tame.js';

export interface StartedTame {
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and closed its output. */
  readonly exited: Promise<TameRun>;
  /** Signals the whole process group (tame.js, tsx, node), as a machine dying (SIGKILL) would. */
  killGroup(signal: NodeJS.Signals): void;
}

/** Variables of the test process that must not reach the binary (as spawn-tame.ts). */
const leakedVariable = (name: string) => name === 'INIT_CWD' || name === 'TAME_TEST_BACKEND' || name.startsWith('VITEST') || name === 'NODE_OPTIONS';

/**
 * Starts `node apps/lab/bin/tame.js ...args` like spawnTame, without waiting for it: for processes a test runs
 * beside others (queue workers, a submitter it interrupts). The caller must end it (killGroup) in its clean-up.
 */
export function startTame(args: readonly string[], options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>> }): StartedTame {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !leakedVariable(name)));
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
