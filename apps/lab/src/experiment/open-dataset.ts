import type { DatasetV1 } from '@tame/core';
import { openDataset } from '@tame/datasets/node';
import { TameError } from '@tame/core';
import { UsageError } from '../usage-error.js';

/**
 * Opens a dataset by the id a user types (`--dataset`, `tame data inspect <id>`): `mnist`, `fashion-mnist[:DIR]`,
 * `idx:...`, `cifar10:DIR`, `celeba:DIR[:32|64]`, the derived datasets and the 2-D toys (see @tame/datasets).
 * An unknown id or a bad file is a one-line usage error naming the file and what is wrong.
 */
export async function openDatasetById(id: string): Promise<DatasetV1> {
  try {
    return await openDataset(id);
  } catch (error) {
    // Dataset errors already name the id or the file at fault; prefix the id only where they do not.
    if (TameError.isInstance(error)) throw new UsageError(`tame: ${error.message.startsWith(`dataset '${id}'`) ? '' : `dataset '${id}': `}${error.message}`);
    throw error;
  }
}
