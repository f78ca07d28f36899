import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../usage-error.js';

/** The run store must be a directory this process can write (a probe file says so even where root ignores modes). */
export async function checkStoreWritable(command: string, store: string): Promise<void> {
  const info = await stat(store).catch(() => undefined);
  if (info === undefined) throw new UsageError(`tame ${command}: run store ${store} does not exist (create it, or mount the shared directory there)`);
  if (!info.isDirectory()) throw new UsageError(`tame ${command}: run store ${store} is not a directory`);
  const probe = join(store, `.tame-write-probe-${process.pid}`);
  try {
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw new UsageError(`tame ${command}: run store ${store} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
