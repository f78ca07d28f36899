import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { sourceNodeArguments } from './source-node-arguments.js';

const cliPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli.ts');

/**
 * `tame train --config <config> --out <runDirectory> --json [--threads N]` in a child process, so that independent
 * runs of a sweep train on separate cores. Resolves with the run's summary; a failed run rejects with the end of its
 * stderr.
 */
export async function trainInChildProcess(options: { readonly config: ExperimentConfig; readonly runDirectory: string; readonly backend?: string; readonly threads?: number }): Promise<RunSummary> {
  const scratch = await mkdtemp(join(tmpdir(), 'tame-child-'));
  const configPath = join(scratch, 'config.json');
  await writeFile(configPath, JSON.stringify(options.config));
  const args = sourceNodeArguments(cliPath, ['train', '--config', configPath, '--out', options.runDirectory, '--force', '--json']);
  if (options.backend !== undefined) args.push('--backend', options.backend);
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  try {
    return await new Promise<RunSummary>((resolve, reject) => {
      // INIT_CWD would make the child chdir to where npm was started: paths here are already resolved for this cwd.
      const environment = { ...process.env, INIT_CWD: process.cwd() };
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: environment });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        // Keep only the tail: progress lines are not needed, the summary is the last line.
        if (stdout.length > 1 << 20) stdout = stdout.slice(-(1 << 16));
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        if (code === 0 && last.startsWith('{"summary"')) resolve((JSON.parse(last) as { summary: RunSummary }).summary);
        else reject(new Error(`training ${options.runDirectory} in a child process failed (exit ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
      });
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
