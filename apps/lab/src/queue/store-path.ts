import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The run directory a job names, inside the store; undefined when the name is absolute or climbs out of the store
 * with '..' (a job must not make a worker write elsewhere).
 */
export function resolveInStore(store: string, runDirectory: string): string | undefined {
  if (isAbsolute(runDirectory) || runDirectory.includes('\\')) return undefined;
  const root = resolve(store);
  const resolved = resolve(root, runDirectory);
  const inside = relative(root, resolved);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? undefined : resolved;
}

/** `path` relative to the store, with '/' separators (jobs travel between machines); undefined when outside it. */
export function relativeToStore(store: string, path: string): string | undefined {
  const inside = relative(resolve(store), resolve(path));
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return inside.split(sep).join('/');
}
