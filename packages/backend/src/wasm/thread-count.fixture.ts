// Trains a small conv VAE for a fixed number of steps on wasm with `--threads N` and prints, as one JSON line, every
// step's loss and a SHA-256 of the final weights: thread-count.test.ts runs it with 1 and 2 threads in separate
// processes (the pool is fixed per process) and compares. Everything random is seeded, so two runs can match bit
// for bit. Its own process must also exit by itself when training ends (the pool's workers must not hold Node).
//
// Run: node --import tsx --conditions=@tame/source packages/backend/src/wasm/thread-count.fixture.ts --threads 2 [--steps 100]
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { getBackendThreads, setBackend } from '../index.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const threads = option('threads', 1);
const steps = option('steps', 100);
const batch = 32;
const latent = 8;

await setBackend('wasm', { threads });

let seed = 1;
const weight = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++));
const bias = (size: number) => tf.variable(tf.zeros([size]));
const w1 = weight([4, 4, 1, 32], 16);
const w2 = weight([4, 4, 32, 64], 16 * 32);
const w3 = weight([7 * 7 * 64, 2 * latent], 7 * 7 * 64);
const w4 = weight([latent, 7 * 7 * 64], latent);
const w5 = weight([4, 4, 32, 64], 16 * 64); // conv2dTranspose filters are [kh, kw, out, in]
const w6 = weight([4, 4, 1, 32], 16 * 32);
const [b1, b2, b3, b4, b5, b6] = [bias(32), bias(64), bias(2 * latent), bias(7 * 7 * 64), bias(32), bias(1)];
const variables = [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5, w6, b6];
const optimizer = tf.train.adam(1e-3);
const images = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 99) as tf.Tensor4D;

const loss = (step: number): tf.Scalar => {
  const h1 = tf.relu(tf.add(tf.conv2d(images, w1 as tf.Tensor4D, 2, 'same'), b1)) as tf.Tensor4D;
  const h2 = tf.relu(tf.add(tf.conv2d(h1, w2 as tf.Tensor4D, 2, 'same'), b2));
  const stats = tf.add(tf.matMul(tf.reshape(h2, [batch, 7 * 7 * 64]), w3 as tf.Tensor2D), b3);
  const [mean, logVariance] = tf.split(stats, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  const noise = tf.randomNormal([batch, latent], 0, 1, 'float32', 1000 + step);
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVariance, 0.5)), noise)) as tf.Tensor2D;
  const d1 = tf.reshape(tf.relu(tf.add(tf.matMul(z, w4 as tf.Tensor2D), b4)), [batch, 7, 7, 64]) as tf.Tensor4D;
  const d2 = tf.relu(tf.add(tf.conv2dTranspose(d1, w5 as tf.Tensor4D, [batch, 14, 14, 32], 2, 'same'), b5)) as tf.Tensor4D;
  const reconstruction = tf.add(tf.conv2dTranspose(d2, w6 as tf.Tensor4D, [batch, 28, 28, 1], 2, 'same'), b6);
  const squaredError = tf.mul(tf.sum(tf.squaredDifference(images, reconstruction)), 0.5 / batch);
  const kl = tf.mul(tf.sum(tf.sub(tf.add(1, logVariance), tf.add(tf.square(mean), tf.exp(logVariance)))), -0.5 / batch);
  return tf.add(squaredError, kl) as tf.Scalar;
};

const losses: number[] = [];
for (let step = 0; step < steps; step++) {
  const cost = optimizer.minimize(() => loss(step), true, variables)!;
  losses.push((await cost.data())[0]!);
  cost.dispose();
}
const hash = createHash('sha256');
for (const variable of variables) hash.update(new Uint8Array((await variable.data()).buffer));
console.log(JSON.stringify({ threads: getBackendThreads(), losses, weights: hash.digest('hex') }));
