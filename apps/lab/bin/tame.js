#!/usr/bin/env node
// Runs the TypeScript sources in one node process with tsx as a loader, resolving sibling workspace packages to their
// sources. Not tsx's CLI: it relays Ctrl-C to its child and SIGKILLs a child that does not answer within 30 ms, which
// a training step computing in wasm cannot, so the run would never checkpoint.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
// Ctrl-C reaches the whole process group, the child included, which checkpoints and exits; this process only waits
// for it (without a handler the signal would end it at once and the shell would return before the checkpoint).
process.on('SIGINT', () => {});
const result = spawnSync(process.execPath, ['--import', tsxLoader, '--conditions=@tame/source', join(here, '..', 'src', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 128 + (constants.signals[result.signal] ?? 0));
