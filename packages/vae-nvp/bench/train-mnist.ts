// A short sanity training run of the small VAE+NVP on the embedded MNIST digits (wasm): per-pixel MSE and Monte
// Carlo KL every 50 steps, then the marginal KL of the aggregate posterior on test digits through the pairwise
// densities log q(z_i | x_j) (log q(z_i) ≈ logmeanexp_j log q(z_i | x_j)).
//
// Run: npx tsx --conditions=@tame/source packages/vae-nvp/bench/train-mnist.ts [--steps 300] [--evaluate 256]
// Loss: Gaussian negative log-likelihood with σ = 0.1 (up to a constant) + KL, Adam 1e-3, batch 64.
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import { createAdamOptimizer } from '@tame/core';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { createVaeNvpModel, posteriorLogDensities } from '../src/index.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const steps = option('steps', 300);
const evaluateCount = option('evaluate', 256);
const batchSize = 64;
await setBackend('wasm');

const dataset = loadEmbeddedMnist();
const model = createVaeNvpModel({ preset: 'small', seed: 1 });
const optimizer = createAdamOptimizer({ learningRate: 1e-3 });
const started = performance.now();
let step = 0;
for (let epoch = 0; step < steps; epoch += 1) {
  for await (const batch of dataset.batches({ split: 'train', batchSize, seed: 1, epoch })) {
    if (step >= steps) {
      tf.dispose([batch.inputs, batch.labels].filter((tensor) => tensor !== undefined));
      break;
    }
    const inputs = batch.inputs;
    const { value, grads } = tf.variableGrads(() => {
      const output = model.forward({ inputs }, { seed: step, training: true });
      const squaredError = tf.sum(tf.reshape(tf.squaredDifference(inputs, output.reconstruction), [batchSize, -1]), 1);
      if (step % 50 === 0 || step === steps - 1) {
        const mse = (tf.mean(squaredError).dataSync()[0] as number) / 784;
        const kl = tf.mean(output.kl).dataSync()[0] as number;
        const elapsed = (performance.now() - started) / (step + 1);
        console.log(`step ${step}: per-pixel MSE ${mse.toFixed(4)}, mean KL ${kl.toFixed(2)} nats (${elapsed.toFixed(0)} ms/step so far)`);
      }
      return tf.mean(tf.add(tf.mul(0.5 / 0.1 ** 2, squaredError), output.kl)) as tf.Scalar;
    }, [...model.trainableVariables]);
    const loss = value.dataSync()[0] as number;
    if (!Number.isFinite(loss)) throw new Error(`non-finite loss at step ${step}`);
    optimizer.applyGradients(model.trainableVariables, model.trainableVariables.map((variable) => grads[variable.name] as tf.Tensor));
    tf.dispose([value, ...Object.values(grads), inputs, ...(batch.labels ? [batch.labels] : [])]);
    step += 1;
  }
}

// Marginal KL on the first test batch of `evaluateCount` digits: z_i ~ q(z|x_i), log q(z_i) by the mixture over the
// same digits (biased for a finite subset: it includes j = i, so it is >= mean KL - log N).
for await (const batch of dataset.batches({ split: 'test', batchSize: evaluateCount, seed: 1, epoch: 0, shuffle: false })) {
  tf.tidy(() => {
    const output = model.forward({ inputs: batch.inputs }, { seed: 12345, training: false });
    const logQ = posteriorLogDensities(model, { inputs: batch.inputs, latents: output.latent as tf.Tensor2D });
    const count = logQ.shape[0];
    const logAggregate = tf.sub(tf.logSumExp(logQ, 1), Math.log(count));
    const marginal = tf.mean(tf.sub(logAggregate, output.extras?.['logPrior'] as tf.Tensor)).dataSync()[0] as number;
    const meanKl = tf.mean(output.kl).dataSync()[0] as number;
    console.log(
      `test (${count} digits): mean KL ${meanKl.toFixed(2)} nats, marginal KL ${marginal.toFixed(2)} nats ` +
        `(lower limit of the estimator: mean KL - log N = ${(meanKl - Math.log(count)).toFixed(2)})`,
    );
  });
  tf.dispose([batch.inputs, batch.labels].filter((tensor) => tensor !== undefined));
  break;
}
optimizer.dispose();
model.dispose();
