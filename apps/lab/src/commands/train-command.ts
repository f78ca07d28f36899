import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setBackend } from '@tame/backend';
import { createReconstructionErrorConstraint } from '@tame/constraints';
import { createGecoObjective, type DatasetV1, type ModelV1, train } from '@tame/core';
import { createFileCheckpointStore } from '@tame/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { isNonNegativeInteger, isPositive, isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { createProgressReporter } from '../progress-reporter.js';
import { createReferenceConvVae } from '../reference-conv-vae.js';
import { UsageError } from '../usage-error.js';

/** Fully resolved settings of a run, saved as config.json so the run can be reproduced and resumed. */
export interface TrainConfig {
  readonly model: { readonly id: 'reference-conv-vae'; readonly latentSize: number };
  readonly dataset: 'mnist';
  readonly constraint: { readonly id: 're'; readonly kappa: number };
  readonly geco: {
    readonly initialMultiplier: number;
    readonly multiplierLearningRate: number;
    readonly maxLogStep: number;
    readonly movingAverageDecay: number;
    readonly bounds: [number, number];
  };
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly clipGradientNorm: number;
  readonly seed: number;
}

export const trainFlags = {
  steps: { type: 'string' },
  batch: { type: 'string' },
  kappa: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function defaultConfig(kappa: number): TrainConfig {
  return {
    model: { id: 'reference-conv-vae', latentSize: 16 },
    dataset: 'mnist',
    constraint: { id: 're', kappa },
    // lambda starts at the Gaussian-likelihood equivalent of kappa (1 / (2 kappa^2) in per-image units) and moves at
    // most 0.5% per step: without this anti-wind-up the multiplier runs to its bound while the network still
    // cannot reach kappa (measured in shared/reference/geco.md).
    geco: { initialMultiplier: 1 / (2 * kappa * kappa), multiplierLearningRate: 1e-2, maxLogStep: 0.005, movingAverageDecay: 0.99, bounds: [1e-3, 1e6] },
    steps: 2500,
    batchSize: 64,
    learningRate: 1e-3,
    clipGradientNorm: 1000,
    seed: 0,
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Mean per-pixel RMSE and KL of the test split, with the posterior mean as the latent. */
async function evaluate(model: ModelV1, dataset: DatasetV1): Promise<{ rmse: number; kl: number; count: number }> {
  let squaredError = 0;
  let kl = 0;
  let count = 0;
  for await (const batch of dataset.batches({ split: 'test', batchSize: 250, seed: 0, epoch: 0 })) {
    const [errorSum, klSum] = tf.tidy(() => {
      const output = model.forward(batch, { seed: 0, training: false });
      return [tf.sum(tf.squaredDifference(batch.inputs, output.reconstruction)).dataSync()[0]!, tf.sum(output.kl).dataSync()[0]!];
    });
    squaredError += errorSum;
    kl += klSum;
    count += batch.inputs.shape[0]!;
    tf.dispose([batch.inputs, batch.labels]);
  }
  return { rmse: Math.sqrt(squaredError / (count * 784)), kl: kl / count, count };
}

export async function trainCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('train', argv, trainFlags);
  let config: TrainConfig;
  let runDirectory: string;
  if (flags.resume !== undefined) {
    runDirectory = flags.resume;
    const configPath = join(runDirectory, 'config.json');
    if (!(await exists(configPath))) throw new UsageError(`tame train: --resume ${runDirectory} has no config.json; pass a run directory written by tame train`);
    try {
      config = JSON.parse(await readFile(configPath, 'utf8')) as TrainConfig;
    } catch (error) {
      throw new UsageError(`tame train: ${configPath} is not valid JSON (${(error as Error).message})`);
    }
    config = { ...config, steps: numberFlag('train', 'steps', flags.steps, config.steps, isPositiveInteger, 'a positive integer') };
  } else {
    const kappa = numberFlag('train', 'kappa', flags.kappa, 0.1, (value) => value > 0 && value < 1, 'a per-pixel RMSE in (0, 1)');
    const base = defaultConfig(kappa);
    config = {
      ...base,
      steps: numberFlag('train', 'steps', flags.steps, base.steps, isPositiveInteger, 'a positive integer'),
      batchSize: numberFlag('train', 'batch', flags.batch, base.batchSize, isPositiveInteger, 'a positive integer'),
      learningRate: numberFlag('train', 'lr', flags.lr, base.learningRate, isPositive, 'a positive number'),
      seed: numberFlag('train', 'seed', flags.seed, base.seed, isNonNegativeInteger, 'an integer >= 0'),
    };
    runDirectory = flags.out ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-'));
    if ((await exists(runDirectory)) && flags.force !== true) {
      throw new UsageError(`tame train: ${runDirectory} already exists; pass --force to overwrite it or --resume ${runDirectory} to continue it`);
    }
    await mkdir(runDirectory, { recursive: true });
    await writeFile(join(runDirectory, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }

  const backend = await setBackend(flags.backend ?? 'auto');
  const log = (text: string) => {
    if (flags.json !== true) process.stdout.write(`${text}\n`);
  };
  log(`tame train: reference conv VAE, GECO with RE <= ${config.constraint.kappa} per-pixel RMSE, embedded MNIST, backend ${backend}, run ${runDirectory}`);

  const dataset = loadEmbeddedMnist();
  const model = createReferenceConvVae({ latentSize: config.model.latentSize, seed: config.seed });
  const constraint = createReconstructionErrorConstraint({ kappa: config.constraint.kappa, name: 're' });
  const objective = createGecoObjective({ constraints: [constraint], ...config.geco });
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: finishing this step and saving a checkpoint (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  const metricsPath = join(runDirectory, 'metrics.jsonl');
  const logEvery = Math.max(1, Math.round(config.steps / 50));
  try {
    const result = await train({
      model,
      objective,
      dataset,
      steps: config.steps,
      batchSize: config.batchSize,
      seed: config.seed,
      optimizer: { learningRate: config.learningRate, clipGradientNorm: config.clipGradientNorm },
      checkpoint: {
        store: createFileCheckpointStore({ directory: join(runDirectory, 'checkpoints'), keep: 2 }),
        every: Math.max(50, logEvery * 5),
        resume: flags.resume !== undefined,
        metadata: { config: config as unknown as Record<string, never> },
      },
      signal: controller.signal,
      callbacks: [
        createProgressReporter({ json: flags.json === true, every: logEvery, toUnits: { re: (value) => constraint.toUnits!(value) } }),
        {
          async onStepEnd(event) {
            if (event.step % logEvery === 0 || event.step === event.totalSteps) {
              await appendFile(metricsPath, `${JSON.stringify({ step: event.step, ...event.metrics })}\n`);
            }
          },
        },
      ],
    });
    const movingAverage = result.metrics['re.movingAverage'];
    const trainRmse = movingAverage === undefined ? Number.NaN : constraint.toUnits!(movingAverage);
    const test = await evaluate(model, dataset);
    const summary = {
      run: runDirectory,
      step: result.step,
      reason: result.reason,
      backend,
      kappa: config.constraint.kappa,
      trainRmseMovingAverage: trainRmse,
      constraintSatisfied: trainRmse <= config.constraint.kappa,
      multiplier: result.metrics['re.multiplier'],
      testRmse: test.rmse,
      testKl: test.kl,
      lastCheckpoint: result.lastCheckpoint,
    };
    await writeFile(join(runDirectory, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ summary })}\n`);
    else {
      log(
        `${result.reason === 'aborted' ? 'stopped' : 'done'} at step ${result.step}: train RMSE (moving average) ${trainRmse.toFixed(4)} ` +
          `${summary.constraintSatisfied ? '<=' : '>'} kappa ${config.constraint.kappa}, λ ${summary.multiplier?.toPrecision(3)}; ` +
          `test RMSE ${test.rmse.toFixed(4)}, test KL ${test.kl.toFixed(2)} nats over ${test.count} digits`,
      );
      log(`checkpoint: ${result.lastCheckpoint}; resume with: npm run tame -- train --resume ${runDirectory}`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    model.dispose();
  }
}
