import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DatasetError } from '../dataset-error.js';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA bytes, row-major. */
  readonly data: Uint8Array;
}

/** Reads and decodes JPEG files, on the main thread or on worker threads. */
export interface JpegFileDecoder {
  decode(path: string): Promise<DecodedImage>;
  dispose(): void;
}

type JpegModule = typeof import('jpeg-js');

const require = createRequire(import.meta.url);

// Strict decoding: jpeg-js's default (tolerant) fills a truncated image with grey instead of failing.
const decodeOptions = { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: 100, maxMemoryUsageInMB: 512 } as const;

function corrupt(path: string, message: string, cause?: unknown): DatasetError {
  return new DatasetError('corrupt-image', path, `not a decodable JPEG (${message}); re-extract the dataset's images`, cause === undefined ? undefined : { cause });
}

function missing(path: string, cause: unknown): DatasetError {
  return new DatasetError('missing-file', path, 'image file not found', { cause });
}

function decodeBytes(jpeg: JpegModule, bytes: Uint8Array, path: string): DecodedImage {
  try {
    const image = jpeg.decode(bytes, decodeOptions);
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    throw corrupt(path, (error as Error).message, error);
  }
}

// Plain CommonJS run by `new Worker(code, { eval: true })`: no build step, jpeg-js is required by absolute path.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFile } = require('node:fs/promises');
const jpeg = require(workerData.jpegPath);
parentPort.on('message', async ({ id, path }) => {
  let bytes;
  try {
    bytes = await readFile(path);
  } catch (error) {
    parentPort.postMessage({ id, missing: true, message: error.message });
    return;
  }
  try {
    const image = jpeg.decode(bytes, workerData.options);
    parentPort.postMessage({ id, width: image.width, height: image.height, data: image.data }, [image.data.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, message: String(error && error.message) });
  }
});
`;

interface WorkerReply {
  readonly id: number;
  readonly width?: number;
  readonly height?: number;
  readonly data?: Uint8Array;
  readonly missing?: boolean;
  readonly message?: string;
}

/**
 * A JPEG file decoder. With `workers` > 0, files are read and decoded on that many worker threads (the pool starts
 * on the first call and does not keep the process alive), so decoding the next batch overlaps training on the main
 * thread; with 0, decoding runs on the main thread.
 */
export function createJpegFileDecoder(options: { readonly workers: number }): JpegFileDecoder {
  const jpegPath = require.resolve('jpeg-js');
  if (options.workers <= 0) {
    const jpeg = require(jpegPath) as JpegModule;
    return {
      async decode(path) {
        let bytes: Uint8Array;
        try {
          bytes = await readFile(path);
        } catch (error) {
          throw missing(path, error);
        }
        return decodeBytes(jpeg, bytes, path);
      },
      dispose() {},
    };
  }
  let pool: Worker[] | undefined;
  const pending = new Map<number, { path: string; resolve: (image: DecodedImage) => void; reject: (error: Error) => void; worker: Worker }>();
  const busy = new Map<Worker, number>();
  let nextId = 0;
  // A worker keeps the process alive only while it has work: an awaited decode must not let Node exit, an idle
  // pool must not keep it running.
  const settle = (worker: Worker) => {
    const count = (busy.get(worker) ?? 1) - 1;
    busy.set(worker, count);
    if (count === 0) worker.unref();
  };
  const start = () => {
    pool = Array.from({ length: options.workers }, () => {
      const worker = new Worker(workerSource, { eval: true, workerData: { jpegPath, options: decodeOptions } });
      worker.unref();
      worker.on('message', (reply: WorkerReply) => {
        const task = pending.get(reply.id);
        if (task === undefined) return;
        pending.delete(reply.id);
        settle(worker);
        if (reply.data !== undefined) task.resolve({ width: reply.width as number, height: reply.height as number, data: reply.data });
        else task.reject(reply.missing === true ? missing(task.path, new Error(reply.message)) : corrupt(task.path, reply.message ?? 'unknown error'));
      });
      // A worker that dies (out of memory, a crash in the decoder) fails its pending images and leaves the pool;
      // the next decode starts a fresh pool once none is left. Without this, its images would never settle.
      const retire = (reason: string, cause?: unknown) => {
        for (const [id, task] of pending) {
          if (task.worker !== worker) continue;
          pending.delete(id);
          task.reject(new DatasetError('corrupt-image', task.path, `the JPEG decoding worker failed (${reason})`, cause === undefined ? undefined : { cause }));
        }
        busy.delete(worker);
        if (pool !== undefined) {
          pool = pool.filter((member) => member !== worker);
          if (pool.length === 0) pool = undefined;
        }
      };
      worker.on('error', (error) => retire(error.message, error));
      worker.on('exit', (code) => retire(`exited with code ${code}`));
      return worker;
    });
    return pool;
  };
  return {
    decode(path) {
      const workers = pool ?? start();
      const id = nextId;
      nextId += 1;
      const worker = workers[id % workers.length] as Worker;
      return new Promise<DecodedImage>((resolve, reject) => {
        pending.set(id, { path, resolve, reject, worker });
        busy.set(worker, (busy.get(worker) ?? 0) + 1);
        worker.ref();
        worker.postMessage({ id, path });
      });
    },
    dispose() {
      const workers = pool ?? [];
      pool = undefined;
      for (const worker of workers) void worker.terminate();
      for (const [id, task] of pending) {
        pending.delete(id);
        task.reject(new DatasetError('corrupt-image', task.path, 'the dataset was disposed while this image was being decoded'));
      }
      busy.clear();
    },
  };
}
