import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setBackend } from '@tame/backend';
import { type ConstraintV1, type DatasetV1, type ModelV1, train } from '@tame/core';
import { createFileCheckpointStore } from '@tame/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { buildExperiment } from '../experiment/build-experiment.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { openDatasetById } from '../experiment/open-dataset.js';
import { resolveExperimentConfig } from '../experiment/resolve-experiment-config.js';
import { isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { createProgressReporter } from '../progress-reporter.js';
import { renderReconstructions, renderSamples } from '../run/render-images.js';
import { appendMetricsRow, pathExists, readRunConfig, runFiles, truncateMetricsAfter, writeJsonAtomically } from '../run/run-directory.js';
import { writeRunReport } from '../run/write-report.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomically } from '@tame/core/node';

export const trainFlags = {
  config: { type: 'string' },
  model: { type: 'string' },
  dataset: { type: 'string' },
  likelihood: { type: 'string' },
  objective: { type: 'string' },
  constraint: { type: 'string', multiple: true },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const experimentFlagNames = ['config', 'model', 'dataset', 'likelihood', 'objective', 'constraint', 'batch', 'lr', 'seed'] as const;

/** Mean per-pixel squared error and KL over the test split, with the posterior mean as the latent. */
export async function evaluateReconstruction(model: ModelV1, dataset: DatasetV1): Promise<{ reconstructionMse: number; kl: number; count: number }> {
  let squaredError = 0;
  let kl = 0;
  let count = 0;
  const size = dataset.info.shape.reduce((product, extent) => product * extent, 1);
  for await (const batch of dataset.batches({ split: 'test', batchSize: 250, seed: 0, epoch: 0 })) {
    const [errorSum, klSum] = tf.tidy(() => {
      const output = model.forward(batch, { seed: 0, training: false });
      return [tf.sum(tf.squaredDifference(batch.inputs, output.reconstruction)).dataSync()[0]!, tf.sum(output.kl).dataSync()[0]!];
    });
    squaredError += errorSum;
    kl += klSum;
    count += batch.inputs.shape[0]!;
    tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
  }
  return { reconstructionMse: squaredError / (count * size), kl: kl / count, count };
}

function describeExperiment(config: ExperimentConfig, constraints: readonly ConstraintV1[]): string {
  const goal =
    config.objective.kind === 'geco'
      ? `GECO: minimise KL subject to ${constraints.map((constraint) => `${constraint.name} <= ${constraint.kappa} (${constraint.units})`).join(', ')}`
      : config.objective.kind === 'beta'
        ? `beta-VAE, beta ${config.objective.beta}, ${config.likelihood.id} likelihood`
        : `${config.objective.kind.toUpperCase()}, ${config.likelihood.id} likelihood`;
  return `${config.model.id} on ${config.dataset}, ${goal}, ${config.training.steps} steps of ${config.training.batchSize}`;
}

export async function trainCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('train', argv, trainFlags);
  let config: ExperimentConfig;
  let runDirectory: string;
  const resuming = flags.resume !== undefined;
  if (flags.resume !== undefined) {
    const conflicting = experimentFlagNames.filter((name) => flags[name] !== undefined);
    if (conflicting.length > 0) {
      throw new UsageError(`tame train: --resume continues the run's own config.json; drop ${conflicting.map((name) => `--${name}`).join(', ')} (only --steps may extend it)`);
    }
    runDirectory = flags.resume;
    const saved = await readRunConfig('train', runDirectory);
    const steps = numberFlag('train', 'steps', flags.steps, saved.training.steps, isPositiveInteger, 'a positive integer');
    config = { ...saved, training: { ...saved.training, steps } };
    if (steps !== saved.training.steps) await writeJsonAtomically(join(runDirectory, runFiles.config), config);
  } else {
    config = await resolveExperimentConfig({ ...flags });
    runDirectory = flags.out ?? join('runs', new Date().toISOString().replace(/[:.]/g, '-'));
    if (await pathExists(runDirectory)) {
      if (flags.force !== true) {
        throw new UsageError(`tame train: ${runDirectory} already exists; pass --force to overwrite it or --resume ${runDirectory} to continue it`);
      }
      for (const file of Object.values(runFiles)) await rm(join(runDirectory, file), { recursive: true, force: true });
    }
  }

  await runExperiment({ config, runDirectory, resuming, output: flags.json === true ? 'json' : 'text', ...(flags.backend === undefined ? {} : { backend: flags.backend }) });
}

export interface RunExperimentOptions {
  readonly config: ExperimentConfig;
  readonly runDirectory: string;
  /** Continue from the newest checkpoint of runDirectory (its config.json is `config`). */
  readonly resuming: boolean;
  readonly backend?: string;
  /** 'text': progress lines; 'json': one JSON object per logged step and the summary; 'quiet': nothing (sweeps). */
  readonly output: 'text' | 'json' | 'quiet';
}

export type RunSummary = Awaited<ReturnType<typeof runExperiment>>;

/** Trains one experiment into a run directory and writes its summary, image grids and report. */
export async function runExperiment(options: RunExperimentOptions) {
  const { config, runDirectory, resuming } = options;
  // The backend first: creating a model allocates tensors.
  const backend = await setBackend(options.backend ?? 'auto');
  const dataset = await openDatasetById(config.dataset);
  const experiment = buildExperiment(config, dataset);
  const { model, constraints, objective } = experiment;
  if (!resuming) {
    await mkdir(runDirectory, { recursive: true });
    await writeJsonAtomically(join(runDirectory, runFiles.config), config);
  }
  const log = (text: string) => {
    if (options.output === 'text') process.stdout.write(`${text}\n`);
  };
  log(`tame train: ${describeExperiment(config, constraints)}; backend ${backend}; run ${runDirectory}`);

  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: finishing this step and saving a checkpoint (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  const { training } = config;
  const logEvery = training.logEvery ?? Math.max(1, Math.round(training.steps / 100));
  const store = createFileCheckpointStore({ directory: join(runDirectory, runFiles.checkpoints), keep: 2 });
  const toUnits = Object.fromEntries(constraints.map((constraint) => [constraint.name, constraint.toUnits ?? ((value: number) => value)]));
  try {
    const result = await train({
      model,
      objective,
      dataset,
      steps: training.steps,
      batchSize: training.batchSize,
      seed: training.seed,
      optimizer: { learningRate: training.learningRate, clipGradientNorm: training.clipGradientNorm },
      checkpoint: { store, every: training.checkpointEvery ?? Math.max(50, logEvery * 5), resume: resuming },
      signal: controller.signal,
      callbacks: [
        {
          // Steps after the checkpoint a resume starts from are recomputed: drop their old metrics rows.
          onTrainStart: (event) => (resuming ? truncateMetricsAfter(runDirectory, event.step) : undefined),
        },
        createProgressReporter({ json: options.output === 'json', every: logEvery, toUnits, ...(options.output === 'quiet' ? { write: () => {} } : {}) }),
        {
          async onStepEnd(event) {
            if (event.step % logEvery === 0 || event.step === event.totalSteps) await appendMetricsRow(runDirectory, { step: event.step, ...event.metrics });
          },
        },
      ],
    });
    const test = await evaluateReconstruction(model, dataset);
    const constraintSummary = Object.fromEntries(
      constraints.map((constraint) => {
        const movingAverage = result.metrics[`${constraint.name}.movingAverage`];
        return [
          constraint.name,
          {
            kappa: constraint.kappa,
            units: constraint.units,
            movingAverage: movingAverage === undefined ? null : toUnits[constraint.name]!(movingAverage),
            satisfied: movingAverage === undefined ? null : movingAverage <= 0,
            multiplier: result.metrics[`${constraint.name}.multiplier`] ?? null,
          },
        ];
      }),
    );
    const summary = {
      run: runDirectory,
      step: result.step,
      reason: result.reason,
      backend,
      constraintsSatisfied: Object.values(constraintSummary).every((entry) => entry.satisfied !== false),
      constraints: constraintSummary,
      testReconstructionRmse: Math.sqrt(test.reconstructionMse),
      testKl: test.kl,
      lastCheckpoint: result.lastCheckpoint ?? null,
    };
    await writeJsonAtomically(join(runDirectory, runFiles.summary), summary);
    await writeFileAtomically(join(runDirectory, runFiles.reconstructions), await renderReconstructions(model, dataset));
    await writeFileAtomically(join(runDirectory, runFiles.samples), await renderSamples(model, dataset, { seed: training.seed + 1 }));
    const reportPath = await writeRunReport(runDirectory, config, constraints);
    if (options.output === 'json') process.stdout.write(`${JSON.stringify({ summary })}\n`);
    else if (options.output === 'text') {
      const parts = Object.entries(constraintSummary).map(
        ([name, entry]) => `${name} ${entry.movingAverage?.toFixed(4)} ${entry.satisfied ? '<=' : '>'} ${entry.kappa} (λ ${entry.multiplier?.toPrecision(3)})`,
      );
      log(
        `${result.reason === 'aborted' ? 'stopped' : 'done'} at step ${result.step}: ${parts.length > 0 ? `${parts.join(', ')}; ` : ''}` +
          `test RMSE ${summary.testReconstructionRmse.toFixed(4)}, test KL ${test.kl.toFixed(2)} nats over ${test.count} examples`,
      );
      log(`report: ${reportPath}`);
      log(`resume with: npm run tame -- train --resume ${runDirectory}${result.reason === 'aborted' ? '' : ' --steps <more>'}`);
    }
    return summary;
  } finally {
    process.off('SIGINT', onSignal);
    experiment.dispose();
    dataset.dispose();
  }
}
