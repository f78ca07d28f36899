import type { BackendName, BackendRequest } from './backend-name.js';
import { backendNames, isBackendRequest } from './backend-name.js';
import { startWasm, wasmThreads } from './wasm/start-wasm.js';

type TensorFlow = typeof import('@tensorflow/tfjs');

/** Options of {@link setBackend}. */
export interface SetBackendOptions {
  /**
   * Threads of the wasm backend's XNNPACK pool (conv, matMul), the calling thread included; default 1 in Node (in a
   * browser, tfjs's own default: every core where the page is cross-origin isolated). Ignored by the
   * other backends (tfjs-node sizes its own pool). Fixed per process once wasm has started: a later call asking for a
   * different count throws. In Node, more than 1 starts tfjs-backend-wasm's threaded build, which tfjs leaves off there
   * (see the README: it depends on tfjs-backend-wasm 4.22.0 exactly).
   */
  threads?: number;
}

/** What is installed and loadable on this machine, probed once per process. */
const loadedNative: { package?: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu'; error?: string } = {};
let tensorFlow: TensorFlow | undefined;

async function loadTensorFlow(): Promise<TensorFlow> {
  // The union package registers the cpu backend and, crucially, every gradient (tfjs-core alone has none).
  tensorFlow ??= await import('@tensorflow/tfjs');
  return tensorFlow;
}

async function loadNative(gpu: boolean): Promise<boolean> {
  const packageName = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  if (loadedNative.package !== undefined) return loadedNative.package === packageName;
  try {
    // Optional peer dependencies: absent here (libtensorflow cannot be downloaded), present on users' machines.
    await import(/* @vite-ignore */ packageName);
    loadedNative.package = packageName;
    return true;
  } catch (error) {
    loadedNative.error = `${packageName}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    return false;
  }
}

async function activate(tf: TensorFlow, name: BackendName, threads: number | undefined): Promise<boolean> {
  switch (name) {
    case 'node-gpu':
    case 'node':
      if (!(await loadNative(name === 'node-gpu'))) return false;
      return tf.setBackend('tensorflow');
    case 'wasm':
      return startWasm(tf, threads);
    case 'cpu': {
      const ready = await tf.setBackend('cpu');
      // The cpu backend prints a "use tfjs-node" banner on first use; tame reports its backend itself.
      const cpuBackend = tf.backend() as unknown as { firstUse?: boolean };
      cpuBackend.firstUse = false;
      return ready;
    }
  }
}

/** The tame name of the backend TensorFlow.js is running on now. */
export function getBackendName(): BackendName | undefined {
  const active = tensorFlow?.getBackend();
  if (active === 'tensorflow') return loadedNative.package === '@tensorflow/tfjs-node-gpu' ? 'node-gpu' : 'node';
  return (backendNames as readonly string[]).includes(active ?? '') ? (active as BackendName) : undefined;
}

/** The wasm backend's XNNPACK threads in this process, once it has started (fixed from then on); else undefined. */
export function getBackendThreads(): number | undefined {
  return wasmThreads();
}

/**
 * Loads the TensorFlow.js runtime and activates a backend. `auto` tries node-gpu, node, wasm, then cpu and takes the
 * first that starts. On wasm it also registers tame's training kernels (conv gradients wasm lacks) and starts
 * `options.threads` threads. Returns the active backend's name. Nothing is registered until this is called.
 */
export async function setBackend(request: BackendRequest | string = 'auto', options: SetBackendOptions = {}): Promise<BackendName> {
  if (!isBackendRequest(request)) {
    throw new Error(`Unknown backend '${request}'. Expected one of: auto, ${backendNames.join(', ')}`);
  }
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new Error(`setBackend: threads must be a whole number ≥ 1, got ${String(options.threads)}`);
  }
  const tf = await loadTensorFlow();
  const candidates: readonly BackendName[] = request === 'auto' ? backendNames : [request];
  for (const candidate of candidates) {
    if (await activate(tf, candidate, threads)) {
      await tf.ready();
      return candidate;
    }
  }
  const reason = loadedNative.error !== undefined ? ` (${loadedNative.error})` : '';
  throw new Error(`Backend '${request}' could not be started${reason}. Try --backend wasm or --backend cpu.`);
}
