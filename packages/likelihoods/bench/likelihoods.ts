// Times each likelihood's NLL and NLL + gradient on an MNIST-sized batch [64, 28, 28, 1], the cost of the input
// check, and the two passes of sigmaIndependentNll over 10,000 + 10,000 examples. Medians of 20 calls after 3
// warm-up calls, on the backend tame's tests use (wasm, SIMD, 1 thread) unless TAME_BENCH_BACKEND says otherwise.
// Run: npx tsx --conditions=@tame/source packages/likelihoods/bench/likelihoods.ts
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import type { LikelihoodV1 } from '@tame/core';
import {
  createBagginsLikelihood,
  createBernoulliLikelihood,
  createGaussianLearnedSigmaLikelihood,
  createGaussianLikelihood,
  createGaussianPerPixelSigmaLikelihood,
  createQuantizedNormalLikelihood,
  sigmaIndependentNll,
} from '../src/index.js';

await setBackend((process.env.TAME_BENCH_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(run: () => void, repetitions = 20): number {
  for (let index = 0; index < 3; index += 1) run();
  const samples: number[] = [];
  for (let index = 0; index < repetitions; index += 1) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const shape = [64, 28, 28, 1];
const data = tf.tidy(() => tf.div(tf.round(tf.mul(tf.randomUniform(shape, 0, 1, 'float32', 1), 255)), 255));
const reconstruction = tf.tidy(() => tf.clipByValue(tf.add(data, tf.randomNormal(shape, 0, 0.1, 'float32', 2)), 0, 1));
const cases: Array<[string, LikelihoodV1]> = [
  ['gaussian (fixed sigma)', createGaussianLikelihood({ checkInputs: 'never' })],
  ['gaussian-learned-sigma', createGaussianLearnedSigmaLikelihood({ checkInputs: 'never', name: 'bench-a' })],
  ['gaussian-per-pixel-sigma', createGaussianPerPixelSigmaLikelihood({ shape: [28, 28, 1], checkInputs: 'never', name: 'bench-b' })],
  ['quantized-normal (256 bins)', createQuantizedNormalLikelihood({ checkInputs: 'never' })],
  ['bernoulli (logits)', createBernoulliLikelihood({ checkInputs: 'never' })],
  ['baggins', createBagginsLikelihood({ checkInputs: 'never' })],
];

console.log(`backend ${tf.getBackend()}, batch [${shape}]`);
console.log('| likelihood | NLL (ms) | NLL + gradient (ms) |');
console.log('|---|---|---|');
for (const [name, likelihood] of cases) {
  // Read results outside tf.tidy: tidy walks a returned TypedArray element by element looking for tensors
  // (~40 ms for 50,176 values), which would swamp what is measured here.
  const readAndDispose = (tensor: tf.Tensor) => {
    tensor.dataSync();
    tensor.dispose();
  };
  const forward = time(() => readAndDispose(likelihood.negativeLogLikelihood(data, reconstruction)));
  const backward = time(() =>
    readAndDispose(tf.grad((prediction: tf.Tensor) => tf.mean(likelihood.negativeLogLikelihood(data, prediction)))(reconstruction)),
  );
  console.log(`| ${name} | ${forward.toFixed(2)} | ${backward.toFixed(2)} |`);
}

const checked = createGaussianLikelihood({ checkInputs: 'every-call' });
const unchecked = createGaussianLikelihood({ checkInputs: 'never' });
const readNll = (likelihood: LikelihoodV1) => {
  const nll = likelihood.negativeLogLikelihood(data, reconstruction);
  nll.dataSync();
  nll.dispose();
};
const withCheck = time(() => readNll(checked));
const withoutCheck = time(() => readNll(unchecked));
console.log(`input check (gaussian, every call vs never): ${withCheck.toFixed(2)} ms vs ${withoutCheck.toFixed(2)} ms`);

function* batches(count: number, seed: number) {
  for (let index = 0; index < count; index += 1) {
    yield tf.tidy(() => {
      const batchData = tf.div(tf.round(tf.mul(tf.randomUniform([500, 784], 0, 1, 'float32', seed + index), 255)), 255);
      const noise = tf.randomNormal([500, 784], 0, 0.1, 'float32', seed + 1000 + index);
      return { data: batchData, reconstruction: tf.clipByValue(tf.add(batchData, noise), 0, 1) };
    });
  }
}
const start = performance.now();
const result = await sigmaIndependentNll({ train: batches(20, 10), test: batches(20, 50) });
const elapsed = performance.now() - start;
console.log(
  `sigmaIndependentNll, 10,000 + 10,000 examples of 784 dims (batches of 500, incl. generating them): ${(elapsed / 1000).toFixed(2)} s; sigma* = ${result.sigma.toFixed(4)}, ${result.bitsPerDimension.toFixed(3)} bits/dim`,
);
console.log(`tensors left: ${tf.memory().numTensors} (data, reconstruction and the two learned variables)`);
