import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { getBackendThreads, setBackend } from '@tame/backend';
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
import { checkConstraint, type ConstraintStatus, type ConstraintTolerance, describeConstraint, isMet } from '../run/constraint-status.js';
import { writeRunReport } from '../run/write-report.js';
import { startBackend } from '../start-backend.js';
import { threadsFlag } from '../thread-count.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomically } from '@tame/core/node';

export const trainFlags = {
  config: { type: 'string' },
  model: { type: 'string' },
  dataset: { type: 'string' },
  likelihood: { type: 'string' },
  objective: { type: 'string' },
  constraint: { type: 'string', multiple: true },
  controller: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const experimentFlagNames = ['config', 'model', 'dataset', 'likelihood', 'objective', 'constraint', 'controller', 'batch', 'lr', 'seed'] as const;

/**
 * Mean per-pixel squared error and KL over the test split, with the posterior mean as the latent, and each
 * constraint's mean value C over it (C is a batch mean, so the count-weighted mean is the test-set C exactly).
 */
export async function evaluateReconstruction(
  model: ModelV1,
  dataset: DatasetV1,
  constraints: readonly ConstraintV1[] = [],
): Promise<{ reconstructionMse: number; kl: number; count: number; constraintValues: number[] }> {
  let squaredError = 0;
  let kl = 0;
  let count = 0;
  const constraintSums = constraints.map(() => 0);
  const size = dataset.info.shape.reduce((product, extent) => product * extent, 1);
  for await (const batch of dataset.batches({ split: 'test', batchSize: 250, seed: 0, epoch: 0 })) {
    const batchCount = batch.inputs.shape[0]!;
    const [errorSum, klSum, ...constraintValues] = tf.tidy(() => {
      const output = model.forward(batch, { seed: 0, training: false });
      const values = constraints.map((constraint) => {
        const evaluation = constraint.evaluate({ batch, output });
        return (evaluation.measure ?? evaluation.value).dataSync()[0]!;
      });
      return [tf.sum(tf.squaredDifference(batch.inputs, output.reconstruction)).dataSync()[0]!, tf.sum(output.kl).dataSync()[0]!, ...values];
    });
    squaredError += errorSum!;
    kl += klSum!;
    constraintValues.forEach((value, index) => (constraintSums[index]! += value * batchCount));
    count += batchCount;
    tf.dispose([batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
  }
  return { reconstructionMse: squaredError / (count * size), kl: kl / count, count, constraintValues: constraintSums.map((sum) => sum / count) };
}

/** One constraint in summary.json: the final moving average C_ma and the test-set mean, each stated against κ. */
export interface ConstraintSummary {
  readonly kappa: number;
  readonly units: string;
  /** toUnits(C_ma) (C_ma itself without toUnits); null when the objective keeps no moving average. Older key. */
  readonly movingAverage: number | null;
  /** C_ma is satisfied or at κ: status !== 'violated' (before the tolerance existed: C_ma <= 0). Older key. */
  readonly satisfied: boolean | null;
  readonly multiplier: number | null;
  /** checkConstraint(C_ma): see constraint-status.ts for the tolerance. */
  readonly status: ConstraintStatus | null;
  /** toUnits(C_ma), in κ's units; null without toUnits. */
  readonly value: number | null;
  /** C_ma / violationScale(), the unit-free violation; null without a scale. */
  readonly violation: number | null;
  readonly tolerance: ConstraintTolerance | null;
  /** The test-set mean of C (posterior-mean reconstructions), against κ the same way. */
  readonly test: { readonly value: number | null; readonly violation: number | null; readonly status: ConstraintStatus } | null;
}

/** The summary entry of one constraint from the final metrics and its test-set mean C. */
export function summarizeConstraint(constraint: ConstraintV1, metrics: Readonly<Record<string, number>>, testValue?: number): ConstraintSummary {
  const movingAverage = metrics[`${constraint.name}.movingAverage`];
  const check = movingAverage === undefined ? undefined : checkConstraint(constraint, movingAverage);
  const test = testValue === undefined ? undefined : checkConstraint(constraint, testValue);
  return {
    kappa: constraint.kappa,
    units: constraint.units,
    movingAverage: movingAverage === undefined ? null : (constraint.toUnits?.(movingAverage) ?? movingAverage),
    satisfied: check === undefined ? null : isMet(check.status),
    multiplier: metrics[`${constraint.name}.multiplier`] ?? null,
    status: check?.status ?? null,
    value: check?.value ?? null,
    violation: check?.violation ?? null,
    tolerance: check?.tolerance ?? test?.tolerance ?? null,
    test: test === undefined ? null : { value: test.value, violation: test.violation, status: test.status },
  };
}

/** The constraint part of the end-of-run line, e.g. 're per-pixel RMSE 0.1001 at κ 0.1 (within 1%; C_ma/budget 0.0016, λ 12.3)'. */
export function describeConstraintAtEnd(name: string, entry: ConstraintSummary, movingAverage?: number): string {
  if (entry.status === null) return `${name} κ ${entry.kappa} (no moving average: not a GECO run)`;
  return describeConstraint(
    { name, units: entry.units, kappa: entry.kappa, status: entry.status, value: entry.value, violation: entry.violation, tolerance: entry.tolerance, ...(movingAverage === undefined ? {} : { constraintValue: movingAverage }) },
    { figure: 'C_ma', multiplier: entry.multiplier },
  );
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
  // Before anything is written: an unknown or unavailable --backend is a usage error (runExperiment starts it again, at no cost).
  const threads = threadsFlag('train', flags.threads);
  await startBackend('train', flags.backend, threads);
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

  await runExperiment({ config, runDirectory, resuming, output: flags.json === true ? 'json' : 'text', threads, ...(flags.backend === undefined ? {} : { backend: flags.backend }) });
}

export interface RunExperimentOptions {
  readonly config: ExperimentConfig;
  readonly runDirectory: string;
  /** Continue from the newest checkpoint of runDirectory (its config.json is `config`). */
  readonly resuming: boolean;
  readonly backend?: string;
  /** wasm threads; default: those of the backend already running, else 1 (fixed per process). */
  readonly threads?: number | undefined;
  /** 'text': progress lines; 'json': one JSON object per logged step and the summary; 'quiet': nothing (sweeps). */
  readonly output: 'text' | 'json' | 'quiet';
}

export type RunSummary = Awaited<ReturnType<typeof runExperiment>>;

/** Trains one experiment into a run directory and writes its summary, image grids and report. */
export async function runExperiment(options: RunExperimentOptions) {
  const { config, runDirectory, resuming } = options;
  // The backend first: creating a model allocates tensors.
  const backend = await setBackend(options.backend ?? 'auto', options.threads === undefined ? {} : { threads: options.threads });
  const threads = backend === 'wasm' ? getBackendThreads() : undefined;
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
  log(`tame train: ${describeExperiment(config, constraints)}; backend ${backend}${threads === undefined ? '' : ` (${threads} thread${threads === 1 ? '' : 's'})`}; run ${runDirectory}`);

  const controller = new AbortController();
  let interruptedAt = 0;
  const onSignal = () => {
    // One Ctrl-C can arrive twice within milliseconds (from the terminal and relayed by npm): only a second press,
    // a second or more later, quits without the checkpoint.
    if (controller.signal.aborted) {
      if (performance.now() - interruptedAt > 1000) process.exit(130);
      return;
    }
    interruptedAt = performance.now();
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
    const test = await evaluateReconstruction(model, dataset, constraints);
    const constraintSummary = Object.fromEntries(
      constraints.map((constraint, index) => [constraint.name, summarizeConstraint(constraint, result.metrics, test.constraintValues[index])]),
    );
    const summary = {
      run: runDirectory,
      step: result.step,
      reason: result.reason,
      backend,
      // Met within the tolerance of constraint-status.ts: false only for a real violation.
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
      const parts = Object.entries(constraintSummary).map(([name, entry]) => describeConstraintAtEnd(name, entry, result.metrics[`${name}.movingAverage`]));
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
