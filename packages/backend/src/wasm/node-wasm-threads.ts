// Starts tfjs-backend-wasm 4.22's multi-threaded build in Node, which tfjs switches off there
// (WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false in Node; tensorflow/tfjs#3830).
//
// While the backend initialises, three things in its emscripten glue are bridged, without editing node_modules:
//  1. Each pthread worker is started from `URL.createObjectURL(new Blob([workerScript]))`, a blob: URL that
//     node:worker_threads refuses. Blobs made of strings are recorded when constructed, and createObjectURL writes
//     their text to a temporary file and returns its path.
//  2. The worker loads the glue itself from another Blob (`mainScriptUrlOrBlob`), posted to it and read there from a
//     blob: URL. The worker script is rewritten to load that text from its temporary file instead.
//  3. That glue is `factory.toString()` of the bundled factory, whose free variables exist only in the bundle's
//     scope: the file defines them first (the Node modules and tslib's iteration helpers).
// Also, `init_with_threads_count` caps the pool at half the logical cores, so on 2 cores it gives 1 thread:
// `os.cpus()` reports enough cores while the backend initialises.
// Every one of these depends on 4.22 internals: the package pins tfjs-backend-wasm, and a test starts the pool.
// Node's modules come from process.getBuiltinModule, not imports, so that browser bundles of @tame/backend stay clean.

/** The version whose glue this bridge was written against. */
export const threadedWasmVersion = '4.22.0';

/** What a worker's glue expects in scope, defined before it (the bundle's own definitions, in CommonJS). */
const glueScope = `var require$$0 = require('fs');
var require$$1 = require('path');
var require$$3 = require('perf_hooks');
var require$$4 = require('os');
var commonjsGlobal = globalThis;
var _scriptDir = undefined;
function __values(o) {
  var s = typeof Symbol === 'function' && Symbol.iterator, m = s && o[s], i = 0;
  if (m) return m.call(o);
  if (o && typeof o.length === 'number') return { next: function () { if (o && i >= o.length) o = void 0; return { value: o && o[i++], done: !o }; } };
  throw new TypeError(s ? 'Object is not iterable.' : 'Symbol.iterator is not defined.');
}
function __read(o, n) {
  var m = typeof Symbol === 'function' && o[Symbol.iterator];
  if (!m) return o;
  var i = m.call(o), r, ar = [], e;
  try { while ((n === void 0 || n-- > 0) && !(r = i.next()).done) ar.push(r.value); }
  catch (error) { e = { error: error }; }
  finally { try { if (r && !r.done && (m = i['return'])) m.call(i); } finally { if (e) throw e.error; } }
  return ar;
}
function __spreadArray(to, from, pack) {
  if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) {
    if (ar || !(i in from)) { if (!ar) ar = Array.prototype.slice.call(from, 0, i); ar[i] = from[i]; }
  }
  return to.concat(ar || Array.prototype.slice.call(from));
}
`;

/** How the worker script loads the glue from a posted Blob; replaced by loading the glue's file. */
const workerLoadsGlueFromBlob =
  'var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)';
const glueMarker = 'var WasmBackendModuleThreadedSimd = ';

export interface ThreadedWasmBridge {
  /** Puts back Blob, URL.createObjectURL and os.cpus. Call once the backend has initialised. */
  restore(): void;
  /** The temporary folder of the worker scripts, removed when the process exits (a worker may start later). */
  readonly directory: string;
}

/**
 * Installs the bridge for a backend that will start `threads` threads (the calling thread included). Install it just
 * before the wasm backend first initialises, and restore it right after `tf.ready()`.
 */
export function installThreadedWasmBridge(threads: number): ThreadedWasmBridge {
  const { mkdtempSync, rmSync, writeFileSync } = process.getBuiltinModule('node:fs');
  const os = process.getBuiltinModule('node:os');
  const path = process.getBuiltinModule('node:path');
  const directory = mkdtempSync(path.join(os.tmpdir(), 'tame-wasm-threads-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  const texts = new WeakMap<Blob, string>();
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectUrl = URL.createObjectURL;
  const originalCpus = os.cpus;
  let glueFile: string | undefined;
  let files = 0;
  const writeScript = (text: string): string => {
    const file = path.join(directory, `script-${files++}.cjs`);
    writeFileSync(file, text);
    return file;
  };

  class RecordingBlob extends OriginalBlob {
    constructor(parts?: ConstructorParameters<typeof Blob>[0], options?: ConstructorParameters<typeof Blob>[1]) {
      super(parts ?? [], options);
      if (parts === undefined || !parts.every((part) => typeof part === 'string')) return;
      const text = parts.join('');
      // The glue is never given a URL on this thread (the Blob is posted to each worker): write it now.
      if (text.startsWith(glueMarker)) glueFile = writeScript(glueScope + text);
      else texts.set(this, text);
    }
  }

  globalThis.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = (object: Blob): string => {
    const text = object instanceof OriginalBlob ? texts.get(object) : undefined;
    if (text === undefined) return originalCreateObjectUrl(object);
    if (!text.includes(workerLoadsGlueFromBlob)) {
      throw new Error(
        `@tame/backend: the wasm worker script of tfjs-backend-wasm differs from ${threadedWasmVersion}'s; threads > 1 needs that exact version`
      );
    }
    if (glueFile === undefined) throw new Error('@tame/backend: the wasm worker started before its glue was seen');
    return writeScript(text.replace(workerLoadsGlueFromBlob, `importScripts(${JSON.stringify(glueFile)})`));
  };
  // The pool is min(requested, 8, logical cores / 2): report enough cores for the request.
  const cores = originalCpus();
  os.cpus = () => (cores.length >= 2 * threads ? cores : Array.from({ length: 2 * threads }, (_, index) => cores[index % cores.length]!));

  let restored = false;
  return {
    directory,
    restore() {
      if (restored) return;
      restored = true;
      globalThis.Blob = OriginalBlob;
      URL.createObjectURL = originalCreateObjectUrl;
      os.cpus = originalCpus;
    },
  };
}
