// Fyffe, "There and Back Again" (arXiv:1912.10309): BILBO (constant posterior variance, closed-form floating prior)
// against the ordinary learned-variance ELBO, and BAGGINS' scale invariance. The paper's text is lost; section
// numbers (§) refer to shared/reference/bilbo-baggins.md. Ported from packages/bilbo-vae/bench/acceptance.ts:
//   (a) BILBO, constant posterior std s, fixed-sigma Gaussian likelihood;
//   (b) ELBO, learned posterior variances (second encoder head), N(0, I) prior, same likelihood, networks and steps;
//       both scored with the fixed-prior test ELBO (§3.2 c), BILBO's prior frozen at its moving v (and at v
//       re-estimated over the training set, §3.2 a);
//   (c) BILBO + BAGGINS on x, on 10 x and on 8 x (model dataScale = factor, same seeds): the per-step loss
//       difference should be the constant D ln(factor) (§3.3); with 8 every scaling is exact in float32.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setBackend } from '@tame/backend';
import {
  type BilboVaeConfigInput,
  type BilboVaeModel,
  type BilboVaePreset,
  createBilboObjective,
  createBilboVaeModel,
  estimatePriorVariance,
  type FixedPriorElboResult,
  fixedPriorElbo,
  floatingPriorRate,
} from '@tame/bilbo-vae';
import { createElboObjective, type DatasetV1, encodeModelWeights, type LikelihoodV1, loadModelWeights, train, type TrainingObjective } from '@tame/core';
import { writeFileAtomically } from '@tame/core/node';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { createBagginsLikelihood, createGaussianLikelihood } from '@tame/likelihoods';
import { lineChart } from '../report/svg-chart.js';
import { byScale, type Reproduction, type ReproductionContext, type ReproductionResult, type ReproductionScale, type ResultCell } from './reproduction.js';

interface BilboBagginsSettings {
  readonly preset: BilboVaePreset;
  /** Training steps of (a) and (b). */
  readonly steps: number;
  /** Training steps of each BAGGINS run of (c). */
  readonly bagginsSteps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Fixed likelihood std of (a) and (b), on [0, 1] pixels. */
  readonly sigma: number;
  /** s, BILBO's constant posterior std (§1.1: a gauge, 1 loses nothing). */
  readonly posteriorScale: number;
  /** Draws of z per test image in the fixed-prior ELBO. */
  readonly evaluationSamples: number;
  /** Test images scored (Infinity: the whole test split). */
  readonly evaluationExamples: number;
  /** Training images in the §3.2 (a) re-estimate of v (Infinity: the whole training split). */
  readonly priorEstimateExamples: number;
  readonly seed: number;
}

const sharedSettings = { learningRate: 1e-3, sigma: 0.1, posteriorScale: 1, seed: 1 } as const;

const settingsByScale: Readonly<Record<ReproductionScale, BilboBagginsSettings>> = {
  smoke: { ...sharedSettings, preset: 'small', steps: 4, bagginsSteps: 4, batchSize: 16, evaluationSamples: 1, evaluationExamples: 64, priorEstimateExamples: 64 },
  small: { ...sharedSettings, preset: 'small', steps: 800, bagginsSteps: 300, batchSize: 64, evaluationSamples: 4, evaluationExamples: Number.POSITIVE_INFINITY, priorEstimateExamples: Number.POSITIVE_INFINITY },
  // 8x small's BILBO and ELBO steps (the gap halved when the budget doubled) and 4x its BAGGINS steps: ~6.6x small's
  // 293 s, about 32 minutes.
  medium: { ...sharedSettings, preset: 'small', steps: 6400, bagginsSteps: 1200, batchSize: 64, evaluationSamples: 4, evaluationExamples: Number.POSITIVE_INFINITY, priorEstimateExamples: Number.POSITIVE_INFINITY },
  // The budget of google-research robust_loss/vae.py, which cites the paper (§2): its network ('faithful' preset),
  // batch 32, Adam 1e-3, 50,000 steps; without its cosine decay over the last 20 % (core's Adam has a fixed rate).
  faithful: { ...sharedSettings, preset: 'faithful', steps: 50_000, bagginsSteps: 50_000, batchSize: 32, evaluationSamples: 4, evaluationExamples: Number.POSITIVE_INFINITY, priorEstimateExamples: Number.POSITIVE_INFINITY },
};

/** BILBO may trail the ELBO by at most this fraction of the ELBO's magnitude for "loses nothing" to hold. */
const bilboRelativeTolerance = 0.01;
/** The mean BAGGINS loss difference must equal D ln(factor) within this fraction of it. */
const bagginsRelativeTolerance = 1e-3;

interface CurvePoint {
  readonly loss: number;
  readonly rate: number;
}

interface Statistics {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

function statistics(values: readonly number[]): Statistics {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
}

/** The same dataset with every value multiplied by `factor` (the source stays owned by the caller). */
function scaledDataset(dataset: DatasetV1, factor: number): DatasetV1 {
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

/**
 * createBilboVaeModel inside a scope: it leaves the initial tensors its variables were made from (one per variable)
 * undisposed, which the scope frees; the variables themselves are not scoped.
 */
function createModel(config: BilboVaeConfigInput): BilboVaeModel {
  let model: BilboVaeModel | undefined;
  tf.tidy(() => {
    model = createBilboVaeModel(config);
  });
  return model as BilboVaeModel;
}

/**
 * What the reference code reports: BILBO on test batches, each batch's floating prior fitted to itself (§1.1), so
 * optimistic by Jensen (§3.2). Mean over the first `maxExamples` test images (whole batches).
 */
async function floatingPriorTestBilbo(model: BilboVaeModel, likelihood: LikelihoodV1, dataset: DatasetV1, batchSize: number, seed: number, maxExamples: number): Promise<number> {
  let sum = 0;
  let batches = 0;
  let examples = 0;
  for await (const batch of dataset.batches({ split: 'test', batchSize, seed, epoch: 0, dropRemainder: true })) {
    try {
      const value = tf.tidy(() => {
        const output = model.forward(batch, { seed: 1000 + batches, training: true });
        const nll = tf.mean(likelihood.negativeLogLikelihood(batch.inputs, output.reconstruction));
        // BILBO = -(1/2) sum_j log1p(m_j / s^2) - mean NLL (§1.1).
        return tf.neg(tf.add(nll, floatingPriorRate(output.extras?.posteriorMean as tf.Tensor2D, model.posteriorScale))).dataSync()[0] as number;
      });
      sum += value;
      batches += 1;
      examples += batch.inputs.shape[0] as number;
    } finally {
      tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    }
    if (examples >= maxExamples) break;
  }
  return sum / batches;
}

/** The first `maxExamples` examples of each split (whole batches), for the smoke scale's prior re-estimate. */
function firstExamples(dataset: DatasetV1, maxExamples: number): DatasetV1 {
  if (maxExamples === Number.POSITIVE_INFINITY) return dataset;
  return {
    ...dataset,
    async *batches(options) {
      let examples = 0;
      for await (const batch of dataset.batches(options)) {
        if (examples >= maxExamples) {
          tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
          continue;
        }
        examples += batch.inputs.shape[0] as number;
        yield batch;
      }
    },
  };
}

const weightsFile = 'model.tameckpt';
const trainingFile = 'training.json';

/**
 * The weights, loss curve and wall time a finished training left in `directory`, if it trained with exactly
 * `identity` (model config, steps, batch, seed, rate); undefined otherwise. NaN rates are saved as null by JSON.
 */
async function savedTraining(directory: string, identity: unknown): Promise<{ weights: Uint8Array; curve: CurvePoint[]; seconds: number } | undefined> {
  try {
    const saved = JSON.parse(await readFile(join(directory, trainingFile), 'utf8')) as { identity: unknown; seconds: number; curve: Array<{ loss: number; rate: number | null }> };
    if (JSON.stringify(saved.identity) !== JSON.stringify(identity)) return undefined;
    const curve = saved.curve.map((point) => ({ loss: point.loss, rate: point.rate ?? Number.NaN }));
    return { weights: new Uint8Array(await readFile(join(directory, weightsFile))), curve, seconds: saved.seconds };
  } catch {
    return undefined;
  }
}

const meanOfLast = (curve: readonly CurvePoint[], count: number) => statistics(curve.slice(-count).map((point) => point.loss)).mean;

const formatNumber = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(1) : String(Number(value.toPrecision(4))));

export const bilboBagginsReproduction: Reproduction = {
  id: 'bilbo-baggins',
  title: 'BILBO (constant posterior variance) vs learned-variance ELBO, and BAGGINS scale invariance on x and 10 x (Fyffe, "There and Back Again")',
  configurations: {
    smoke: 'embedded MNIST, small preset, 4 steps of batch 16 per run (BILBO, ELBO, BAGGINS on x, 10 x, 8 x), 64 test images',
    small: 'embedded MNIST, small preset (latent 16), batch 64, Adam 1e-3, seed 1: BILBO (s = 1) and ELBO 800 steps, Gaussian sigma 0.1; BAGGINS on x, 10 x, 8 x 300 steps each; fixed-prior test ELBO with 4 draws',
    medium: 'embedded MNIST, small preset (latent 16), batch 64, Adam 1e-3, seed 1, one run at a time: BILBO (s = 1) and ELBO 6,400 steps, Gaussian sigma 0.1; BAGGINS on x, 10 x, 8 x 1,200 steps each; fixed-prior test ELBO with 4 draws',
    faithful: 'embedded MNIST, faithful preset (robust_loss/vae.py network, latent 16), batch 32, Adam 1e-3 (no cosine decay), seed 1: every run 50,000 steps',
  },
  async run(context: ReproductionContext): Promise<ReproductionResult> {
    const settings = byScale(context, settingsByScale);
    const { batchSize, seed, posteriorScale, preset } = settings;
    const started = performance.now();
    const log = (message: string) => context.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);
    await mkdir(context.outDirectory, { recursive: true });
    const backend = await setBackend(context.backend ?? 'auto');
    const mnist = loadEmbeddedMnist();
    const gaussian = createGaussianLikelihood({ sigma: settings.sigma });
    const baggins = createBagginsLikelihood();
    const dimensions = mnist.info.shape.reduce((product, size) => product * size, 1);
    log(`bilbo-baggins (${context.scale}): backend ${backend}, ${preset} preset, ${settings.steps} steps, BAGGINS ${settings.bagginsSteps} steps, batch ${batchSize}`);

    // Each trained model is saved under runs/<name> (weights, then its loss curve as the marker that it finished), so
    // `--resume` loads a model that finished with the same settings instead of training it again.
    const trainModel = async (name: string, model: BilboVaeModel, objective: TrainingObjective, dataset: DatasetV1, steps: number, label: string) => {
      const directory = join(context.outDirectory, 'runs', name);
      const identity = { model: model.getConfig(), steps, batchSize, seed, learningRate: settings.learningRate, sigma: settings.sigma };
      const saved = context.resume === true ? await savedTraining(directory, identity) : undefined;
      if (saved !== undefined) {
        loadModelWeights(model, saved.weights, join(directory, weightsFile));
        log(`${label}: already trained with these settings, reusing it`);
        return { curve: saved.curve, seconds: saved.seconds };
      }
      const curve: CurvePoint[] = [];
      const logEvery = Math.max(1, Math.round(steps / 4));
      const runStarted = performance.now();
      await train({
        model,
        objective,
        dataset,
        steps,
        batchSize,
        seed,
        optimizer: { learningRate: settings.learningRate },
        callbacks: [
          {
            onStepEnd: ({ step, metrics }) => {
              curve.push({ loss: metrics.loss as number, rate: metrics['bilbo.rate'] ?? Number.NaN });
              if (step % logEvery === 0) log(`${label}: step ${step}/${steps}, loss ${(metrics.loss as number).toFixed(2)}`);
            },
          },
        ],
      });
      const seconds = (performance.now() - runStarted) / 1000;
      log(`${label}: ${steps} steps in ${seconds.toFixed(0)} s (${((1000 * seconds) / steps).toFixed(0)} ms/step)`);
      await mkdir(directory, { recursive: true });
      await writeFileAtomically(join(directory, weightsFile), encodeModelWeights(model));
      await writeFileAtomically(join(directory, trainingFile), new TextEncoder().encode(`${JSON.stringify({ identity, seconds, curve })}\n`));
      return { curve, seconds };
    };
    const evaluate = (model: BilboVaeModel): Promise<FixedPriorElboResult> =>
      fixedPriorElbo({ model, likelihood: gaussian, dataset: mnist, samples: settings.evaluationSamples, seed: 7, maxExamples: settings.evaluationExamples });

    try {
      // (a) BILBO: loss = (1/2) sum_j log1p(m_j / s^2) + mean NLL, the batch's closed-form floating prior (§1.1).
      const bilboModel = createModel({ name: 'bilbo', preset, seed, posteriorScale });
      let bilbo;
      try {
        const trained = await trainModel('bilbo', bilboModel, createBilboObjective({ model: bilboModel, likelihood: gaussian }), mnist, settings.steps, '(a) BILBO constant variance');
        const movingPriorVariance = bilboModel.getPriorVariance();
        const movingPrior = await evaluate(bilboModel);
        const floating = await floatingPriorTestBilbo(bilboModel, gaussian, mnist, batchSize, seed, settings.evaluationExamples);
        const trainSetPriorVariance = await estimatePriorVariance({ model: bilboModel, dataset: firstExamples(mnist, settings.priorEstimateExamples), assign: true });
        const trainSetPrior = await evaluate(bilboModel);
        log(`(a) fixed-prior test ELBO ${movingPrior.elbo.toFixed(2)} (moving v), ${trainSetPrior.elbo.toFixed(2)} (train-set v); floating-prior test BILBO ${floating.toFixed(2)}`);
        bilbo = { movingPrior, trainSetPrior, floating, movingPriorVariance, trainSetPriorVariance, curve: trained.curve, seconds: trained.seconds };
      } finally {
        bilboModel.dispose();
      }

      // (b) ELBO with learned posterior variances and the N(0, I) prior (the model's v stays 1).
      const elboModel = createModel({ name: 'elbo', preset, seed, posterior: 'learned' });
      let elbo;
      try {
        const trained = await trainModel('elbo', elboModel, createElboObjective({ likelihood: gaussian }), mnist, settings.steps, '(b) ELBO learned variance');
        const fixedPrior = await evaluate(elboModel);
        log(`(b) fixed-prior test ELBO ${fixedPrior.elbo.toFixed(2)}`);
        elbo = { fixedPrior, curve: trained.curve, seconds: trained.seconds };
      } finally {
        elboModel.dispose();
      }
      const bilboMinusElbo = bilbo.movingPrior.elbo - elbo.fixedPrior.elbo;

      // (c) BILBO + BAGGINS: the same model for data scaled by a (dataScale a, same seeds) should give the same
      // trajectory with every loss shifted by D ln a (§3.3).
      const bagginsRun = async (factor: number) => {
        const model = createModel({ name: `baggins-x${factor}`, preset, seed, posteriorScale, dataScale: factor });
        try {
          return await trainModel(`baggins-x${factor}`, model, createBilboObjective({ model, likelihood: baggins }), factor === 1 ? mnist : scaledDataset(mnist, factor), settings.bagginsSteps, `(c) BILBO + BAGGINS, ${factor} x`);
        } finally {
          model.dispose();
        }
      };
      const plain = await bagginsRun(1);
      const compare = (scaled: { curve: CurvePoint[]; seconds: number }, factor: number) => {
        const expected = dimensions * Math.log(factor);
        const differences = scaled.curve.map((point, index) => point.loss - (plain.curve[index] as CurvePoint).loss);
        return {
          factor,
          expected,
          curve: scaled.curve,
          differences,
          lossDifference: statistics(differences),
          maxDeviationFromExpected: Math.max(...differences.map((difference) => Math.abs(difference - expected))),
          maxRateDifference: Math.max(...scaled.curve.map((point, index) => Math.abs(point.rate - (plain.curve[index] as CurvePoint).rate))),
          seconds: scaled.seconds,
        };
      };
      const ten = compare(await bagginsRun(10), 10);
      const eight = compare(await bagginsRun(8), 8);
      for (const run of [ten, eight]) {
        log(`(c) loss(${run.factor} x) - loss(x): mean ${run.lossDifference.mean.toFixed(3)} (D ln ${run.factor} = ${run.expected.toFixed(3)}), std ${run.lossDifference.std.toFixed(3)}`);
      }

      // Figures.
      const steps = (curve: readonly CurvePoint[], shift = 0, from = 0) => curve.slice(from).map((point, index) => [from + index + 1, point.loss - shift] as const);
      // The first tenth of training (losses near 1e4 at step 1) would flatten the rest of the curves.
      const firstShown = Math.floor(settings.steps / 10);
      const figures = ['baggins-scale-invariance.svg', 'baggins-loss-difference.svg', 'bilbo-vs-elbo-training-loss.svg'];
      const bagginsChart = lineChart(
        [
          { name: 'loss on x', points: steps(plain.curve), color: '#1f77b4' },
          { name: `loss on 10 x − D ln 10 (${ten.expected.toFixed(1)})`, points: steps(ten.curve, ten.expected), color: '#d62728' },
        ],
        { title: `BILBO + BAGGINS: training loss on x and on 10 x, shifted by D ln 10`, xLabel: 'step', yLabel: 'loss (nats per image)', width: 640, height: 360 },
      );
      const differenceChart = lineChart(
        [
          { name: 'loss(10 x) − loss(x) − D ln 10', points: ten.differences.map((difference, index) => [index + 1, difference - ten.expected] as const), color: '#d62728' },
          { name: 'loss(8 x) − loss(x) − D ln 8', points: eight.differences.map((difference, index) => [index + 1, difference - eight.expected] as const), color: '#2ca02c' },
        ],
        { title: 'BAGGINS: deviation of the loss difference from D ln a', xLabel: 'step', yLabel: 'nats per image', thresholds: [{ value: 0, label: 'exact invariance' }], width: 640, height: 360 },
      );
      const trainingChart = lineChart(
        [
          { name: `BILBO, constant s = ${posteriorScale} (−BILBO, floating prior)`, points: steps(bilbo.curve, 0, firstShown), color: '#1f77b4' },
          { name: 'ELBO, learned variances (−ELBO, N(0, I) prior)', points: steps(elbo.curve, 0, firstShown), color: '#d62728' },
        ],
        { title: `Training loss from step ${firstShown + 1}, Gaussian sigma ${settings.sigma}, ${preset} preset, batch ${batchSize}`, xLabel: 'step', yLabel: 'loss (nats per image)', width: 640, height: 360 },
      );
      await Promise.all([bagginsChart, differenceChart, trainingChart].map((svg, index) => writeFile(join(context.outDirectory, figures[index] as string), `${svg}\n`)));

      // Claims, computed from the numbers.
      const bilboTolerance = bilboRelativeTolerance * Math.abs(elbo.fixedPrior.elbo);
      const bilboHolds = bilboMinusElbo >= -bilboTolerance;
      const bagginsHolds = [ten, eight].every((run) => Math.abs(run.lossDifference.mean - run.expected) <= bagginsRelativeTolerance * run.expected);
      const row = (quantity: string, value: number, expected: number | null, unit: string): Record<string, ResultCell> => ({ quantity, value, expected, unit });
      const table = [
        row('BILBO fixed-prior test ELBO (prior at moving v)', bilbo.movingPrior.elbo, null, 'nats/image'),
        row('BILBO fixed-prior test ELBO (prior at train-set v)', bilbo.trainSetPrior.elbo, null, 'nats/image'),
        row('BILBO floating-prior test BILBO (optimistic)', bilbo.floating, null, 'nats/image'),
        row('ELBO (learned variances) fixed-prior test ELBO', elbo.fixedPrior.elbo, null, 'nats/image'),
        row('BILBO − ELBO', bilboMinusElbo, 0, 'nats/image'),
        row('BAGGINS loss(10 x) − loss(x), mean per step', ten.lossDifference.mean, ten.expected, 'nats/image'),
        row('BAGGINS loss(10 x) − loss(x), std over steps', ten.lossDifference.std, 0, 'nats/image'),
        row('BAGGINS loss(8 x) − loss(x), mean per step', eight.lossDifference.mean, eight.expected, 'nats/image'),
        row('BAGGINS loss(8 x) − loss(x), max |deviation from D ln 8|', eight.maxDeviationFromExpected, 0, 'nats/image'),
        row('BAGGINS max |rate(8 x) − rate(x)|', eight.maxRateDifference, 0, 'nats/image'),
      ];
      const claim = {
        paper:
          'A constant posterior variance loses nothing (the penalty is small under mild conditions; BILBO + BAGGINS gives "improved ELBO scores"), and BAGGINS makes the objective invariant to the scale of the data.',
        ours:
          `BILBO − ELBO = ${formatNumber(bilboMinusElbo)} nats per test image (${formatNumber(bilbo.movingPrior.elbo)} vs ${formatNumber(elbo.fixedPrior.elbo)}; ` +
          `holds if ≥ −${formatNumber(bilboTolerance)}, 1 % of the ELBO): ${bilboHolds ? 'holds' : 'not reproduced'} after ${settings.steps} steps. ` +
          `BAGGINS: loss(10 x) − loss(x) = ${ten.lossDifference.mean.toFixed(2)} ± ${ten.lossDifference.std.toFixed(2)} against D ln 10 = ${ten.expected.toFixed(2)}, ` +
          `loss(8 x) − loss(x) = ${eight.lossDifference.mean.toFixed(3)} against D ln 8 = ${eight.expected.toFixed(3)} (max rate difference ${formatNumber(eight.maxRateDifference)}); ` +
          `holds if within ${bagginsRelativeTolerance * 100} % of D ln a: ${bagginsHolds ? 'holds' : 'does not hold'}.`,
        holds: bilboHolds && bagginsHolds,
      };

      const measurements = {
        backend,
        scale: context.scale,
        dataset: { name: 'embedded MNIST', train: mnist.info.count.train, test: mnist.info.count.test, dimensions },
        settings: { ...settings, evaluationExamples: Math.min(settings.evaluationExamples, mnist.info.count.test), priorEstimateExamples: Math.min(settings.priorEstimateExamples, mnist.info.count.train) },
        bilbo: {
          fixedPriorTestElbo: bilbo.movingPrior,
          fixedPriorTestElboTrainSetPrior: bilbo.trainSetPrior,
          floatingPriorTestBilbo: bilbo.floating,
          movingPriorVariance: bilbo.movingPriorVariance,
          trainSetPriorVariance: bilbo.trainSetPriorVariance,
          trainLossLast50: meanOfLast(bilbo.curve, 50),
          seconds: bilbo.seconds,
        },
        elbo: { fixedPriorTestElbo: elbo.fixedPrior, trainLossLast50: meanOfLast(elbo.curve, 50), seconds: elbo.seconds },
        bilboMinusElbo,
        baggins: {
          lossFirst: plain.curve[0]?.loss,
          lossLast50: meanOfLast(plain.curve, 50),
          seconds: plain.seconds,
          ...Object.fromEntries(
            [ten, eight].map(({ curve: _curve, differences: _differences, ...summary }) => [summary.factor === 10 ? 'ten' : 'eight', summary]),
          ),
        },
        totalSeconds: (performance.now() - started) / 1000,
      };
      await writeFile(join(context.outDirectory, 'measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`);
      log(`wrote ${figures.join(', ')} and measurements.json to ${context.outDirectory}`);
      return { table, figures, claim };
    } finally {
      gaussian.dispose();
      baggins.dispose();
      mnist.dispose();
    }
  },
};
