import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// By location: a child may start anywhere (a run store, a scratch folder), where 'tsx' would not resolve.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Arguments for `node` to run one of the app's TypeScript entry points from source in a single process: tsx as a
 * loader, the workspace packages resolved to their sources. Not tsx's CLI: it adds a process that relays Ctrl-C and,
 * when the child does not answer within 30 ms (a training step computing in wasm cannot), kills it with SIGKILL, so
 * the run never checkpoints.
 */
export function sourceNodeArguments(entry: string, args: readonly string[] = []): string[] {
  return ['--import', tsxLoader, '--conditions=@tame/source', entry, ...args];
}
