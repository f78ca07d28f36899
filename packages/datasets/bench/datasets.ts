// Times opening each kind of dataset and producing batches of 64, and CelebA's per-batch JPEG decoding on the main
// thread vs worker threads, alone and overlapped with a simulated 300 ms training step (prefetch). CelebA is
// stood in for by 320 synthetic 178x218 JPEGs (smooth faces-sized gradients plus noise, quality 90, ~8 KB each,
// close to img_align_celeba's ~6.6 KB average); real photos may decode somewhat slower or faster.
// Run: npx tsx --conditions=@tame/source packages/datasets/bench/datasets.ts
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import type { DatasetV1 } from '@tame/core';
import jpeg from 'jpeg-js';
import { loadCelebaDataset, openDataset } from '../src/node.js';

await setBackend((process.env.TAME_BENCH_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Milliseconds per batch (median), reading `batches` shuffled training batches of 64. */
async function perBatch(dataset: DatasetV1, batches = 30): Promise<number> {
  const samples: number[] = [];
  let start = performance.now();
  for await (const batch of dataset.batches({ split: 'train', batchSize: 64, seed: 1, epoch: 0 })) {
    tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    samples.push(performance.now() - start);
    if (samples.length === batches) break;
    start = performance.now();
  }
  return median(samples.slice(1));
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

console.log(`cores: ${availableParallelism()}, backend: ${tf.getBackend()}`);
console.log('| dataset | open (ms) | per batch of 64 (ms) |');
console.log('|---|---|---|');
for (const id of ['mnist', 'fashion-mnist', 'color-mnist', 'mnist-triplets', 'mnist-sum', 'mnist-sum-hard', 'mnist-rotate', 'micro-mnist', 'two-blobs']) {
  const [dataset, openMs] = await timed(() => openDataset(id, id === 'micro-mnist' ? { config: { count: 640 } } : {}));
  console.log(`| ${id} | ${openMs.toFixed(0)} | ${(await perBatch(dataset)).toFixed(1)} |`);
}
{
  const dataset = await openDataset('mnist-rotate', { config: { angle: 30 } });
  console.log(`| mnist-rotate (30 degrees) | - | ${(await perBatch(dataset)).toFixed(1)} |`);
}

// CelebA stand-in.
const root = mkdtempSync(join(tmpdir(), 'tame-bench-celeba-'));
mkdirSync(join(root, 'img_align_celeba'));
const count = 320;
let seed = 1;
const noise = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff - 0.5;
};
const names: string[] = [];
let bytes = 0;
for (let image = 0; image < count; image += 1) {
  const data = new Uint8Array(178 * 218 * 4);
  for (let row = 0; row < 218; row += 1) {
    for (let column = 0; column < 178; column += 1) {
      const base = [40 + (150 * row) / 217 + image % 7, 30 + (180 * column) / 177, 120 + 80 * Math.sin((row + column) / 60 + image)];
      base.forEach((value, channel) => (data[(row * 178 + column) * 4 + channel] = Math.max(0, Math.min(255, Math.round(value + 10 * noise())))));
      data[(row * 178 + column) * 4 + 3] = 255;
    }
  }
  const name = `${String(image + 1).padStart(6, '0')}.jpg`;
  writeFileSync(join(root, 'img_align_celeba', name), jpeg.encode({ width: 178, height: 218, data }, 90).data);
  bytes += statSync(join(root, 'img_align_celeba', name)).size;
  names.push(name);
}
writeFileSync(join(root, 'list_eval_partition.txt'), names.map((name) => `${name} 0`).join('\n'));
console.log(`\nCelebA stand-in: ${count} JPEGs 178x218, mean ${(bytes / count / 1024).toFixed(1)} KB`);
{
  const { readFileSync } = await import('node:fs');
  const { cropAndResizeRgba } = await import('../src/index.js');
  const files = names.slice(0, 40).map((name) => readFileSync(join(root, 'img_align_celeba', name)));
  const decodeTimes: number[] = [];
  const resizeTimes: number[] = [];
  for (const file of [...files, ...files]) {
    let start = performance.now();
    const image = jpeg.decode(file, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false });
    decodeTimes.push(performance.now() - start);
    start = performance.now();
    cropAndResizeRgba(image.data, image.height, image.width, 148, 64);
    resizeTimes.push(performance.now() - start);
  }
  console.log(`one image on one thread: jpeg-js decode ${median(decodeTimes).toFixed(1)} ms, crop + area resize to 64 ${median(resizeTimes).toFixed(2)} ms`);
}
console.log('| size | workers | per batch of 64, alone (ms) | wait for data per step with a 300 ms step (ms) |');
console.log('|---|---|---|---|');
for (const size of [64, 32] as const) {
  for (const workers of [0, 1, 2, ...(availableParallelism() > 3 ? [availableParallelism() - 1] : [])]) {
    const dataset = loadCelebaDataset({ directory: root, size, workers });
    const alone = await perBatch(dataset, 5);
    // Simulated training: the main thread is busy 300 ms per batch; what remains is time spent waiting for data.
    const steps = 4;
    const start = performance.now();
    let taken = 0;
    for await (const batch of dataset.batches({ split: 'train', batchSize: 64, seed: 2, epoch: 0 })) {
      batch.inputs.dispose();
      const busyUntil = performance.now() + 300;
      while (performance.now() < busyUntil) {
        // training step stand-in
      }
      // Let worker replies in, as the trainer's awaits do between steps.
      await new Promise((resolve) => setImmediate(resolve));
      taken += 1;
      if (taken === steps) break;
    }
    const wait = (performance.now() - start - steps * 300) / steps;
    console.log(`| ${size} | ${workers} | ${alone.toFixed(0)} | ${wait.toFixed(0)} |`);
    dataset.dispose();
  }
}
rmSync(root, { recursive: true, force: true });
