import { type BackendName, backendNames, getBackendThreads, isBackendRequest, setBackend } from '@tame/backend';
import { threadsPerProcess } from './thread-count.js';
import { UsageError } from './usage-error.js';

/**
 * Starts the TensorFlow.js backend a command runs on (`--backend`, default auto). Every command that makes a tensor
 * calls it first: nothing is registered before it. An unknown name, or a backend this machine cannot start, is one
 * usage line rather than a stack trace. `threads`: the wasm backend's threads (fixed per process); default: those
 * it already runs, else every core.
 */
export async function startBackend(command: string, request: string | undefined, threadsRequested?: number): Promise<BackendName> {
  const requested = request ?? 'auto';
  const threads = threadsRequested ?? getBackendThreads() ?? threadsPerProcess();
  if (!isBackendRequest(requested)) throw new UsageError(`tame ${command}: --backend must be one of auto, ${backendNames.join(', ')}; got '${requested}'`);
  if (requested === 'auto') return setBackend(requested, { threads });
  try {
    return await setBackend(requested, { threads });
  } catch (error) {
    // setBackend's own message names what is missing and suggests --backend wasm or cpu.
    throw new UsageError(`tame ${command}: ${(error as Error).message}`);
  }
}
