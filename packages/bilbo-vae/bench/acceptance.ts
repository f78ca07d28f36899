// Acceptance experiment of the BILBO VAE on the embedded MNIST (9,000 train / 1,000 test real digits in [0, 1]),
// wasm backend, small preset (latent 16), batch 64, Adam 1e-3, one seed:
//   (a) BILBO, constant posterior variance (s = 1), fixed-sigma Gaussian likelihood (sigma = 0.1);
//   (b) ELBO, learned posterior variances (second encoder head), N(0, I) prior, same likelihood, networks, steps;
//       both evaluated with the fixed-prior test ELBO (bilbo-baggins.md 3.2), BILBO's prior frozen at its moving v
//       (and, as a second figure, at v re-estimated over the training set);
//   (c) BILBO + BAGGINS on the data x and on 10 x (model dataScale 10, same seeds): the per-step loss difference
//       should be the constant D log 10 per example (D = 784), the rate curves identical; also on 8 x, where every
//       scaling is exact in float32, to separate float rounding from a systematic difference.
//
// Run: npx tsx --conditions=@tame/source packages/bilbo-vae/bench/acceptance.ts [--steps 800] [--baggins-steps 300]
//        [--batch 64] [--sigma 0.1] [--samples 4] [--seed 1] [--posterior-scale 1] [--parts abc] [--out results.json]
// --posterior-scale sets s of the BILBO models; --parts picks which of (a), (b), (c) run.
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import { createElboObjective, type DatasetV1, type LikelihoodV1, train, type TrainingObjective } from '@tame/core';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { createBagginsLikelihood, createGaussianLikelihood } from '@tame/likelihoods';
import {
  type BilboVaeModel,
  createBilboObjective,
  createBilboVaeModel,
  estimatePriorVariance,
  fixedPriorElbo,
  floatingPriorRate,
} from '../src/index.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
};
const steps = Number(option('steps', '800'));
const bagginsSteps = Number(option('baggins-steps', '300'));
const batchSize = Number(option('batch', '64'));
const sigma = Number(option('sigma', '0.1'));
const samples = Number(option('samples', '4'));
const seed = Number(option('seed', '1'));
const posteriorScale = Number(option('posterior-scale', '1'));
const parts = option('parts', 'abc');
const out = option('out', '');

const started = performance.now();
const backend = await setBackend('wasm');
const mnist = loadEmbeddedMnist();
const dimensions = mnist.info.shape.reduce((product, size) => product * size, 1);
const gaussian = createGaussianLikelihood({ sigma });
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);

/** The same dataset with every value multiplied by `factor`. */
function scaled(dataset: DatasetV1, factor: number): DatasetV1 {
  return {
    ...dataset,
    info: { ...dataset.info, range: [dataset.info.range[0] * factor, dataset.info.range[1] * factor] },
    async *batches(options) {
      for await (const batch of dataset.batches(options)) {
        const inputs = tf.mul(batch.inputs, factor);
        batch.inputs.dispose();
        yield { ...batch, inputs };
      }
    },
  };
}

async function run(model: BilboVaeModel, objective: TrainingObjective, dataset: DatasetV1, stepCount: number, label: string) {
  const curve: Array<Record<string, number>> = [];
  const runStarted = performance.now();
  await train({
    model,
    objective,
    dataset,
    steps: stepCount,
    batchSize,
    seed,
    callbacks: [
      {
        onStepEnd: ({ step, metrics }) => {
          curve.push({ loss: metrics.loss as number, kl: metrics.kl as number, rate: (metrics['bilbo.rate'] ?? Number.NaN) as number });
          if (step % 200 === 0) log(`${label}: step ${step}/${stepCount}, loss ${(metrics.loss as number).toFixed(2)}`);
        },
      },
    ],
  });
  const seconds = (performance.now() - runStarted) / 1000;
  log(`${label}: ${stepCount} steps in ${seconds.toFixed(0)} s (${((1000 * seconds) / stepCount).toFixed(0)} ms/step)`);
  return { curve, seconds };
}

/** What the reference code reports: BILBO on test batches, each batch's floating prior fitted to itself (optimistic). */
async function floatingPriorTestBilbo(model: BilboVaeModel, likelihood: LikelihoodV1, dataset: DatasetV1): Promise<number> {
  let sum = 0;
  let count = 0;
  let index = 0;
  for await (const batch of dataset.batches({ split: 'test', batchSize, seed, epoch: 0, dropRemainder: true })) {
    const value = tf.tidy(() => {
      const output = model.forward(batch, { seed: 1000 + index, training: true });
      const nll = tf.mean(likelihood.negativeLogLikelihood(batch.inputs, output.reconstruction));
      return tf.neg(tf.add(nll, floatingPriorRate(output.extras?.posteriorMean as tf.Tensor2D, model.posteriorScale))).dataSync()[0] as number;
    });
    batch.inputs.dispose();
    batch.labels?.dispose();
    sum += value;
    count += 1;
    index += 1;
  }
  return sum / count;
}

const summary = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
};
const evaluation = (model: BilboVaeModel, likelihood: LikelihoodV1) => fixedPriorElbo({ model, likelihood, dataset: mnist, samples, seed: 7 });

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const lastLosses = (curve: Array<Record<string, number>>) => mean(curve.slice(-50).map((point) => point.loss as number));
const results: Record<string, unknown> = {
  command: `npx tsx --conditions=@tame/source packages/bilbo-vae/bench/acceptance.ts ${argv.join(' ')}`.trim(),
  backend,
  dataset: { name: 'embedded MNIST', train: mnist.info.count.train, test: mnist.info.count.test, dimensions },
  setup: {
    preset: 'small',
    latentSize: 16,
    batchSize,
    steps,
    bagginsSteps,
    optimizer: 'Adam 1e-3',
    sigma,
    posteriorScale,
    priorMovingAverageDecay: 0.99,
    evaluationSamples: samples,
    seed,
  },
};

// (a) BILBO, constant posterior variance.
if (parts.includes('a')) {
  const model = createBilboVaeModel({ name: 'bilbo', seed, posteriorScale });
  const trained = await run(model, createBilboObjective({ model, likelihood: gaussian }), mnist, steps, '(a) BILBO constant variance');
  const movingPriorVariance = model.getPriorVariance();
  const fixedPrior = await evaluation(model, gaussian);
  const floating = await floatingPriorTestBilbo(model, gaussian, mnist);
  const trainSetPriorVariance = await estimatePriorVariance({ model, dataset: mnist, assign: true });
  const fixedTrainSetPrior = await evaluation(model, gaussian);
  log(`(a) fixed-prior test ELBO ${fixedPrior.elbo.toFixed(2)} (moving v), ${fixedTrainSetPrior.elbo.toFixed(2)} (train-set v); floating-prior test BILBO ${floating.toFixed(2)}`);
  results.bilbo = {
    fixedPriorTestElbo: fixedPrior,
    fixedPriorTestElboTrainSetPrior: fixedTrainSetPrior,
    floatingPriorTestBilbo: floating,
    movingPriorVariance,
    trainSetPriorVariance,
    trainLossLast50: lastLosses(trained.curve),
    seconds: trained.seconds,
  };
  model.dispose();
}

// (b) ELBO, learned posterior variances, N(0, I) prior (the model's v stays 1).
if (parts.includes('b')) {
  const model = createBilboVaeModel({ name: 'elbo', seed, posterior: 'learned' });
  const trained = await run(model, createElboObjective({ likelihood: gaussian }), mnist, steps, '(b) ELBO learned variance');
  const fixedPrior = await evaluation(model, gaussian);
  log(`(b) fixed-prior test ELBO ${fixedPrior.elbo.toFixed(2)}`);
  results.elbo = { fixedPriorTestElbo: fixedPrior, trainLossLast50: lastLosses(trained.curve), seconds: trained.seconds };
  model.dispose();
}
const bilboResult = results.bilbo as { fixedPriorTestElbo: { elbo: number } } | undefined;
const elboResult = results.elbo as { fixedPriorTestElbo: { elbo: number } } | undefined;
if (bilboResult !== undefined && elboResult !== undefined) results.bilboMinusElbo = bilboResult.fixedPriorTestElbo.elbo - elboResult.fixedPriorTestElbo.elbo;

// (c) BILBO + BAGGINS on x, on 10 x, and on 8 x (a power of two: every scaling is exact in float32).
if (parts.includes('c')) {
  const bagginsRun = async (factor: number) => {
    const model = createBilboVaeModel({ name: `baggins-x${factor}`, seed, posteriorScale, dataScale: factor });
    const objective = createBilboObjective({ model, likelihood: createBagginsLikelihood() });
    const trained = await run(model, objective, factor === 1 ? mnist : scaled(mnist, factor), bagginsSteps, `(c) BILBO + BAGGINS, ${factor} x`);
    model.dispose();
    return trained;
  };
  const plain = await bagginsRun(1);
  const compare = (other: Awaited<ReturnType<typeof bagginsRun>>, factor: number) => {
    const expectedOffset = dimensions * Math.log(factor);
    const differences = other.curve.map((point, index) => (point.loss as number) - (plain.curve[index]?.loss as number));
    return {
      factor,
      expectedOffset,
      lossDifference: summary(differences),
      maxDeviationFromExpected: Math.max(...differences.map((difference) => Math.abs(difference - expectedOffset))),
      maxDeviationFirst50Steps: Math.max(...differences.slice(0, 50).map((difference) => Math.abs(difference - expectedOffset))),
      absoluteRateDifference: summary(other.curve.map((point, index) => Math.abs((point.rate as number) - (plain.curve[index]?.rate as number)))),
      seconds: other.seconds,
    };
  };
  const ten = compare(await bagginsRun(10), 10);
  const eight = compare(await bagginsRun(8), 8);
  log(`(c) loss(10 x) - loss(x): mean ${ten.lossDifference.mean.toFixed(3)} (expected ${ten.expectedOffset.toFixed(3)}), std ${ten.lossDifference.std.toFixed(3)}`);
  log(`(c) loss(8 x) - loss(x): mean ${eight.lossDifference.mean.toFixed(3)} (expected ${eight.expectedOffset.toFixed(3)}), std ${eight.lossDifference.std.toFixed(3)}`);
  results.baggins = { lossFirst: plain.curve[0]?.loss, lossLast50: lastLosses(plain.curve), seconds: plain.seconds, ten, eight };
}

results.totalSeconds = (performance.now() - started) / 1000;
console.log(JSON.stringify(results, null, 2));
if (out !== '') writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
