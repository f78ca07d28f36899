import { availableParallelism } from 'node:os';
import { isPositiveInteger, numberFlag } from './parse-flags.js';

/**
 * Threads per process when `processes` train at once on this machine: its cores divided between them, at least 1.
 * The wasm backend's XNNPACK pool (conv, matMul) uses them; tfjs-node sizes its own pool.
 */
export function threadsPerProcess(processes = 1): number {
  return Math.max(1, Math.floor(availableParallelism() / Math.max(1, processes)));
}

/** `--threads N`: a positive integer, or undefined when not given (each caller has its default). */
export function threadsFlag(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return numberFlag(command, 'threads', value, 1, isPositiveInteger, 'a positive integer (wasm threads of this process)');
}
