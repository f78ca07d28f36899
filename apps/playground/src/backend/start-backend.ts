import { registerWasmTrainingKernels } from '@tame/backend';
import * as tf from '@tensorflow/tfjs';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const playgroundBackends = ['webgl', 'webgpu', 'wasm', 'cpu'] as const;
export type PlaygroundBackend = (typeof playgroundBackends)[number];
/** What `auto` tries, in order (see `startBackend`). */
export const autoBackends: readonly PlaygroundBackend[] = ['webgl', 'wasm', 'cpu'];
export type BackendRequest = PlaygroundBackend | 'auto';

export function isBackendRequest(value: string): value is BackendRequest {
  return value === 'auto' || (playgroundBackends as readonly string[]).includes(value);
}

export interface StartedBackend {
  readonly name: PlaygroundBackend;
  /** Backends tried first that did not start, with the reason (shown on the page). */
  readonly skipped: readonly string[];
}

/**
 * `auto` tries WebGL (on a GPU, not a software rasteriser), then wasm, then cpu. WebGPU runs only when asked for:
 * `train()` reads its metrics back with `dataSync` once per step, which tfjs-backend-webgpu 4.22 does through
 * canvases ("performance is poor", it warns), and in headless Chromium (SwiftShader) the next asynchronous read then
 * fails ("A valid external Instance reference no longer exists"), so it is not chosen for anyone who did not ask.
 */
export async function startBackend(request: BackendRequest): Promise<StartedBackend> {
  const candidates: readonly PlaygroundBackend[] = request === 'auto' ? autoBackends : [request];
  const skipped: string[] = [];
  for (const candidate of candidates) {
    const reason = await activate(candidate, request === 'auto').catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (reason === undefined) return { name: candidate, skipped };
    skipped.push(`${candidate}: ${reason}`);
  }
  throw new Error(`no TensorFlow.js backend started (${skipped.join('; ')})`);
}

/** Starts one backend; returns why it could not, or undefined when it runs. */
async function activate(name: PlaygroundBackend, auto: boolean): Promise<string | undefined> {
  switch (name) {
    case 'webgl': {
      const problem = webGlProblem(auto);
      if (problem !== undefined) return problem;
      break;
    }
    case 'webgpu': {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (gpu === undefined || (await gpu.requestAdapter()) === null) return 'this browser has no WebGPU adapter';
      // Loaded only here: browsers without WebGPU never download it.
      await import('@tensorflow/tfjs-backend-webgpu');
      break;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Vite fingerprints and emits the three builds; tfjs picks one by what the browser supports (threads need
      // cross-origin isolation, SIMD is everywhere current).
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmUrl,
        'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
      });
      // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter: @tame/backend's kernels make it train conv nets.
      registerWasmTrainingKernels(tf);
      break;
    }
    case 'cpu':
      break;
  }
  if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') failed`;
  await tf.ready();
  return undefined;
}

/**
 * Why WebGL should not be used: none at all, or (for `auto`) a software rasteriser. Chromium without a usable GPU
 * falls back to SwiftShader, which trains the small model at 0.4 steps/s where wasm does 20.
 */
function webGlProblem(auto: boolean): string | undefined {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (gl === null) return 'this browser has no WebGL';
  try {
    if (!auto) return undefined;
    // Chromium reports "WebKit WebGL" as RENDERER and the real one through the debug extension; Firefox the reverse.
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = `${gl.getParameter(gl.RENDERER)} ${debug === null ? '' : gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)}`;
    if (/swiftshader|llvmpipe|softpipe|software|basic render driver/i.test(renderer)) {
      return `software WebGL (${renderer.trim()}) is slower than wasm; ?backend=webgl uses it anyway`;
    }
    return undefined;
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
