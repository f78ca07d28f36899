import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { runFiles } from './run-directory.js';

/** Key-order-independent JSON, so a config read back from disk compares equal to the one built in memory. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([first], [second]) => (first < second ? -1 : 1))
      .map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The summary of a run directory that already finished training with exactly `config` (its config.json equal and
 * a summary.json written after the last step), or undefined: lets `tame reproduce --resume` skip finished runs.
 */
export async function finishedRunSummary(runDirectory: string, config: ExperimentConfig): Promise<RunSummary | undefined> {
  try {
    const saved = JSON.parse(await readFile(join(runDirectory, runFiles.config), 'utf8')) as unknown;
    if (canonicalJson(saved) !== canonicalJson(config)) return undefined;
    const summary = JSON.parse(await readFile(join(runDirectory, runFiles.summary), 'utf8')) as RunSummary;
    return summary.reason === 'completed' && summary.step === config.training.steps ? summary : undefined;
  } catch {
    return undefined;
  }
}

/** Whether runDirectory's config.json is exactly `config`: an unfinished run there can be resumed rather than restarted. */
export async function hasRunConfig(runDirectory: string, config: ExperimentConfig): Promise<boolean> {
  try {
    return canonicalJson(JSON.parse(await readFile(join(runDirectory, runFiles.config), 'utf8'))) === canonicalJson(config);
  } catch {
    return false;
  }
}
