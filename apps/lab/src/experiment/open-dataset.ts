import type { DatasetV1 } from '@tame/core';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { UsageError } from '../usage-error.js';

/** Opens a dataset by the id a user types (`--dataset`, `tame data inspect <id>`). */
export async function openDatasetById(id: string): Promise<DatasetV1> {
  if (id === 'mnist') return loadEmbeddedMnist();
  throw new UsageError(`tame: unknown dataset '${id}' (expected one of: mnist)`);
}
