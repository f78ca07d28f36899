import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@tame/core/node';
import { describeConfigIssues, type ExperimentConfig, experimentConfigSchema } from '../experiment/experiment-config.js';
import type { MetricsRow } from '../report/run-report.js';
import { UsageError } from '../usage-error.js';

/** Files of a run directory (documented in the app README). */
export const runFiles = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  report: 'report.html',
  checkpoints: 'checkpoints',
  reconstructions: 'reconstructions.png',
  samples: 'samples.png',
} as const;

export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await writeFileAtomically(path, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
}

/** Reads a run's config.json; a missing directory or an invalid file is a one-line usage error. */
export async function readRunConfig(command: string, runDirectory: string): Promise<ExperimentConfig> {
  if (!(await pathExists(runDirectory))) throw new UsageError(`tame ${command}: run directory ${runDirectory} does not exist`);
  const path = join(runDirectory, runFiles.config);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`tame ${command}: ${runDirectory} has no ${runFiles.config}; pass a run directory written by tame train`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`tame ${command}: ${path} is not valid JSON (${(error as Error).message})`);
  }
  const result = experimentConfigSchema.safeParse(parsed);
  if (!result.success) throw new UsageError(`tame ${command}: ${path} is not a valid experiment: ${describeConfigIssues(result.error)}`);
  return result.data;
}

/** Rows of metrics.jsonl; a damaged line names the file and the line number. */
export async function readMetricsRows(runDirectory: string): Promise<MetricsRow[]> {
  const path = join(runDirectory, runFiles.metrics);
  if (!(await pathExists(path))) return [];
  const lines = (await readFile(path, 'utf8')).split('\n');
  const rows: MetricsRow[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new UsageError(`tame: ${path}:${index + 1} is not a JSON object`);
    }
    if (typeof row !== 'object' || row === null || typeof (row as { step?: unknown }).step !== 'number') {
      throw new UsageError(`tame: ${path}:${index + 1} has no numeric "step"`);
    }
    rows.push(row as MetricsRow);
  });
  return rows;
}

/**
 * Drops metrics rows after `step`: a run resumed from its last checkpoint recomputes those steps, and they must not
 * appear twice. Atomic, like every file tame rewrites.
 */
export async function truncateMetricsAfter(runDirectory: string, step: number): Promise<void> {
  const rows = await readMetricsRows(runDirectory);
  const kept = rows.filter((row) => row.step <= step);
  if (kept.length === rows.length) return;
  await writeFileAtomically(join(runDirectory, runFiles.metrics), new TextEncoder().encode(kept.map((row) => `${JSON.stringify(row)}\n`).join('')));
}

export async function appendMetricsRow(runDirectory: string, row: MetricsRow): Promise<void> {
  await writeFile(join(runDirectory, runFiles.metrics), `${JSON.stringify(row)}\n`, { flag: 'a' });
}
