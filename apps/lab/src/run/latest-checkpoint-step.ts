import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runFiles } from './run-directory.js';

/** The step of a run's newest checkpoint (file names `checkpoint-<step>.tame`, @tame/core's file store), 0 when it has none. */
export async function latestCheckpointStep(runDirectory: string): Promise<number> {
  const names = await readdir(join(runDirectory, runFiles.checkpoints)).catch(() => [] as string[]);
  const steps = names.flatMap((name) => /^checkpoint-(\d+)\.tame$/.exec(name)?.[1] ?? []).map(Number);
  return steps.length === 0 ? 0 : Math.max(...steps);
}
