import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from '../dataset-error.js';

/** Reads a whole file, turning "not there" into a DatasetError that names it (and what to do, via `hint`). */
export function readFileBytes(path: string, hint = ''): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError('missing-file', path, `file not found${hint ? `; ${hint}` : ''}`, { cause: error });
    if (code === 'EISDIR') throw new DatasetError('missing-file', path, 'is a directory, expected a file', { cause: error });
    throw new DatasetError('missing-file', path, `cannot be read (${(error as Error).message})`, { cause: error });
  }
}

/** Fails with a DatasetError naming `path` unless it is an existing directory. */
export function requireDirectory(path: string, hint = ''): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new DatasetError('missing-file', path, `directory not found${hint ? `; ${hint}` : ''}`, { cause: error });
  }
  if (!isDirectory) throw new DatasetError('missing-file', path, `is not a directory${hint ? `; ${hint}` : ''}`);
}

/** True for the gzip magic bytes 1f 8b: files are recognised by content, not by their extension. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, gunzipped when they are gzip data; a truncated or corrupt gzip stream is an error. */
export function readMaybeGzippedFile(path: string, hint = ''): Uint8Array {
  const bytes = readFileBytes(path, hint);
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (error) {
    const zlibCode = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(
      zlibCode === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt-file',
      path,
      `gzip data is ${zlibCode === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt'} (${(error as Error).message}); download the file again`,
      { cause: error },
    );
  }
}
