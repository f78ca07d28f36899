import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../errors/tame-error.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-format.js';
import type { CheckpointStore } from './checkpoint-store.js';

export interface FileCheckpointStoreOptions {
  readonly directory: string;
  /** How many of the newest checkpoints to keep (older ones are deleted after a successful save). */
  readonly keep?: number;
}

const namePattern = /^checkpoint-(\d{9})\.tame$/;
const fileName = (step: number) => `checkpoint-${String(step).padStart(9, '0')}.tame`;

/** Writes a temporary file, fsyncs it and renames it over `path`: readers see the old file or the whole new one. */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  // Write a temporary file, flush it to disk, then rename over: rename is atomic on POSIX file systems, so a
  // reader sees the old file or the complete new one, never a partial write.
  const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    await handle.close();
  }
}

/** Checkpoints as files `checkpoint-<step>.tame` in a directory, written atomically, newest `keep` kept. */
export function createFileCheckpointStore(options: FileCheckpointStoreOptions): CheckpointStore & { list(): Promise<string[]> } {
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 1) throw new CheckpointError(options.directory, `keep must be an integer >= 1, got ${keep}`);
  const list = async () => {
    let names: string[];
    try {
      names = await readdir(options.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => namePattern.test(name)).sort();
  };
  return {
    list,
    async save(checkpoint) {
      await mkdir(options.directory, { recursive: true });
      const path = join(options.directory, fileName(checkpoint.step));
      await writeFileAtomically(path, encodeCheckpoint(checkpoint));
      await syncDirectory(options.directory);
      const existing = await list();
      for (const stale of existing.slice(0, Math.max(0, existing.length - keep))) {
        await rm(join(options.directory, stale), { force: true });
      }
      return path;
    },
    async loadLatest() {
      const names = await list();
      const newest = names.at(-1);
      if (newest === undefined) return undefined;
      const location = join(options.directory, newest);
      const bytes = await readFile(location);
      return { checkpoint: decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), location), location };
    },
  };
}
