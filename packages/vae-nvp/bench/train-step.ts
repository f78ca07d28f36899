// Times one training step of the VAE+NVP model on the wasm backend (with tame's training kernels): forward, the
// ELBO-style loss (Gaussian squared error + Monte Carlo KL), tf.variableGrads over every trainable variable, and
// core's Adam update.
//
// Run: npx tsx --conditions=@tame/source packages/vae-nvp/bench/train-step.ts [--preset small|faithful]
//        [--batch 64] [--steps 20] [--warmup 5] [--backend wasm|cpu] [--channels 1] [--profile 0]
//        [--config '{"couplingLayers": 8}'] (overrides of the preset)
//      --profile N: also prints the kernels of N profiled steps (tf.profile), by total time per step;
//      with PROFILE_CALLS=1, one line per kernel and input shapes.
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import { createAdamOptimizer } from '@tame/core';
import { createVaeNvpModel } from '../src/index.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
};
const preset = option('preset', 'small') as 'small' | 'faithful';
const batchSize = Number(option('batch', '64'));
const steps = Number(option('steps', '20'));
const warmup = Number(option('warmup', '5'));
const channels = Number(option('channels', '1'));
const backend = await setBackend(option('backend', 'wasm'));

const overrides = JSON.parse(option('config', '{}')) as Record<string, unknown>;
const model = createVaeNvpModel({ preset, dataShape: [28, 28, channels], ...overrides });
const parameterCount = model.trainableVariables.reduce((total, variable) => total + variable.size, 0);
const optimizer = createAdamOptimizer({ learningRate: 1e-3 });
const inputs = tf.randomUniform([batchSize, 28, 28, channels], 0, 1, 'float32', 7);

const step = (index: number): number => {
  const { value, grads } = tf.variableGrads(() => {
    const output = model.forward({ inputs }, { seed: index, training: true });
    const squaredError = tf.sum(tf.reshape(tf.squaredDifference(inputs, output.reconstruction), [batchSize, -1]), 1);
    return tf.mean(tf.add(tf.mul(0.5 / 0.1 ** 2, squaredError), output.kl)) as tf.Scalar;
  }, [...model.trainableVariables]);
  optimizer.applyGradients(model.trainableVariables, model.trainableVariables.map((variable) => grads[variable.name] as tf.Tensor));
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
};

for (let index = 0; index < warmup; index += 1) step(index);
const tensorsBefore = tf.memory().numTensors;
const times: number[] = [];
// Process CPU time too: on a shared machine wall-clock time includes waiting for a core, CPU time much less so.
const cpuTimes: number[] = [];
let loss = Number.NaN;
for (let index = 0; index < steps; index += 1) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  loss = step(warmup + index);
  const cpu = process.cpuUsage(cpuStart);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
  times.push(performance.now() - start);
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return ((sorted[Math.floor((sorted.length - 1) / 2)] as number) + (sorted[Math.ceil((sorted.length - 1) / 2)] as number)) / 2;
};
console.log(
  `${backend}, preset ${preset}, batch ${batchSize} of 28x28x${channels}, ${parameterCount} parameters: ` +
    `median ${median(times).toFixed(1)} ms/step over ${steps} steps after ${warmup} warm-up ` +
    `(min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}; CPU time ${median(cpuTimes).toFixed(1)} ms/step); ` +
    `loss ${loss.toFixed(1)}; tensors leaked over the timed steps: ${tf.memory().numTensors - tensorsBefore}`,
);
const profiledSteps = Number(option('profile', '0'));
if (profiledSteps > 0) {
  const info = await tf.profile(() => {
    for (let index = 0; index < profiledSteps; index += 1) step(1000 + index);
  });
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const kernel of info.kernels) {
    const ms = await kernel.kernelTimeMs;
    // PROFILE_CALLS=1: kernels are told apart by their input shapes too.
    const key = process.env['PROFILE_CALLS'] ? `${kernel.name} ${JSON.stringify(kernel.inputShapes)}` : kernel.name;
    const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += ms / profiledSteps;
    entry.calls += 1 / profiledSteps;
    byKernel.set(key, entry);
  }
  // Composite kernels (tame's wasm training kernels) include the kernels they call: totals overlap.
  for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, process.env["PROFILE_CALLS"] ? 40 : 20)) {
    console.log(`${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms/step ${calls.toFixed(0).padStart(5)} calls`);
  }
}
tf.dispose(inputs);
optimizer.dispose();
model.dispose();
