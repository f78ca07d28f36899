// Starts the wasm backend once per process, with tame's training kernels and a fixed number of XNNPACK threads.
import type { TensorFlow } from './kernel-utils.js';
import { installThreadedWasmBridge, threadedWasmVersion } from './node-wasm-threads.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** The emscripten module's thread pool, reached through the backend (`Module.PThread`). */
interface PthreadWorker {
  unref(): void;
  terminate(): Promise<number>;
}
interface PthreadPool {
  runningWorkers: PthreadWorker[];
  unusedWorkers: PthreadWorker[];
}

let wasmPackage: WasmPackage | undefined;
let startedThreads: number | undefined;

const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The wasm backend's XNNPACK threads in this process; undefined before it has started. */
export function wasmThreads(): number | undefined {
  return startedThreads;
}

/**
 * Registers tame's kernels and activates 'wasm' with `threads` threads (undefined: 1 in Node, tfjs's default in a
 * browser). The pool cannot be re-initialised (it hangs), so a different count after the first start throws.
 */
export async function startWasm(tf: TensorFlow, threads: number | undefined): Promise<boolean> {
  wasmPackage ??= await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels(tf);
  if (startedThreads === undefined && tf.findBackend('wasm') != null) startedThreads = wasmPackage.getThreadsCount();
  if (startedThreads !== undefined) {
    if (threads !== undefined && threads !== startedThreads) {
      throw new Error(
        `setBackend: the wasm backend already runs ${startedThreads} thread(s) in this process and cannot change it (asked for ${threads}); choose threads before wasm first starts`
      );
    }
    return tf.setBackend('wasm');
  }
  const requested = threads ?? (inNode ? 1 : undefined);
  let ready: boolean;
  if (inNode && requested !== undefined && requested > 1) {
    ready = await startThreadedInNode(tf, wasmPackage, requested);
  } else {
    if (requested !== undefined) wasmPackage.setThreadsCount(requested);
    ready = await tf.setBackend('wasm');
  }
  if (ready) startedThreads = wasmPackage.getThreadsCount();
  return ready;
}

async function startThreadedInNode(tf: TensorFlow, wasm: WasmPackage, threads: number): Promise<boolean> {
  if (wasm.version_wasm !== threadedWasmVersion) {
    throw new Error(
      `setBackend: threads > 1 in Node needs @tensorflow/tfjs-backend-wasm ${threadedWasmVersion} exactly (found ${wasm.version_wasm}); use threads: 1`
    );
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const bridge = installThreadedWasmBridge(threads);
  let ready: boolean;
  try {
    ready = await tf.setBackend('wasm');
  } finally {
    bridge.restore();
  }
  if (!ready) return false;
  const pool = (tf.findBackend('wasm') as unknown as { wasm: { PThread?: PthreadPool } }).wasm.PThread;
  // The glue starts 8 workers whatever the count (a V8 isolate each, ~15 MiB); XNNPACK's pool has taken the ones it
  // needs by now: end the rest (should a thread start later, the glue starts a worker for it).
  for (const worker of pool?.unusedWorkers.splice(0) ?? []) void worker.terminate();
  // The pool's workers would keep Node alive after the work is done: the process exits when the main thread does.
  for (const worker of pool?.runningWorkers ?? []) worker.unref();
  const actual = wasm.getThreadsCount();
  if (actual !== threads) {
    throw new Error(`setBackend: asked the wasm backend for ${threads} threads and it started ${actual}`);
  }
  return true;
}
