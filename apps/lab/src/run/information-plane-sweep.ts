import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomically } from '@tame/core/node';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { overlayChart } from '../report/scatter-chart.js';
import { evaluateOpenedRun, type OpenedRun } from './open-run.js';
import { writeJsonAtomically } from './run-directory.js';
import type { RunExecutor } from './run-executor.js';
import { trainAndOpenRun } from './train-and-open-run.js';
import { createLock } from './create-lock.js';
import { threadsPerProcess } from '../thread-count.js';
import { runWithConcurrency } from './run-with-concurrency.js';

/** One point of the information plane (Figure 4), measured on the test split. */
export interface SweepRow {
  readonly name: string;
  readonly objective: string;
  readonly kappa: number | null;
  readonly reconstructionRmse: number;
  readonly kl: number;
  readonly marginalKl: number | null;
  readonly nllPerPixel: number;
  readonly sigmaStar: number;
  readonly constraintSatisfied: boolean | null;
  /** RMSE on the training split with posterior samples: what the RE constraint measures during training. */
  readonly trainRmse: number;
}

export interface InformationPlaneSweepOptions {
  /** Model, dataset and training budget shared by every run; objective, likelihood and constraints are replaced. */
  readonly base: ExperimentConfig;
  readonly kappas: readonly number[];
  /** sigma of the ELBO's and annealed beta's Gaussian likelihood. */
  readonly elboSigma: number;
  readonly annealFrom: number;
  /** Also train GECO-RE with kappa = the ELBO's training RMSE (Figure 5: same error, compare the KL). */
  readonly matchElbo: boolean;
  readonly out: string;
  readonly backend?: string;
  /**
   * Runs trained at once, each in its own process; 1 trains in this process. Evaluation always runs here.
   */
  readonly parallel?: number;
  /** wasm threads of each run's own process (parallel > 1); default: the cores divided between the parallel runs. */
  readonly threads?: number;
  /** Where runs train (e.g. a queue's workers); default: child processes when parallel > 1, else this process. */
  readonly executor?: RunExecutor;
  /** Skip training a run whose directory already finished with the same config (`tame reproduce --resume`). */
  readonly reuseFinishedRuns?: boolean;
  /** Evaluate each run on at most this many examples per split (smoke runs); default: all. */
  readonly evaluationExamples?: number;
  log(text: string): void;
}

export interface InformationPlaneSweep {
  readonly rows: readonly SweepRow[];
  /** The GECO run set to the ELBO's error, and the ELBO, when matchElbo. */
  readonly matched: { readonly elbo: SweepRow; readonly geco: SweepRow } | null;
}

/**
 * Per-pixel RMSE over the first `maxExamples` training examples (2,000 pin it to about 0.5%), reconstructing from
 * posterior samples (training-mode forward) as the RE constraint does during training.
 */
export async function trainingRmse(run: OpenedRun, maxExamples = 2000): Promise<number> {
  let squaredError = 0;
  let values = 0;
  let examples = 0;
  let batchIndex = 0;
  for await (const batch of run.dataset.batches({ split: 'train', batchSize: 250, seed: 0, epoch: 0, shuffle: false, dropRemainder: false })) {
    examples += batch.inputs.shape[0] as number;
    const sum = tf.tidy(() => tf.sum(tf.squaredDifference(batch.inputs, run.experiment.model.forward(batch, { seed: 7919 + batchIndex, training: true }).reconstruction)));
    squaredError += (await sum.data())[0] as number;
    values += batch.inputs.size;
    tf.dispose([sum, batch.inputs, batch.context, batch.labels].filter((tensor) => tensor !== undefined));
    batchIndex += 1;
    if (examples >= maxExamples) break;
  }
  return Math.sqrt(squaredError / values);
}

/** Runs trained at once by default: one per core (a run gains less from a second thread than from a second process), at most 4 (memory, disk). */
export function defaultParallelRuns(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Trains the information-plane sweep of Taming VAEs (Figures 4 and 5): the ELBO and a hand-annealed beta baseline
 * (Gaussian likelihood, fixed sigma), GECO-RE at each kappa and, with matchElbo, GECO-RE set to the training error
 * the ELBO reached. Every run has the same model, data and budget and is evaluated on the test split. Writes
 * sweep.json and information-plane.html into `out`.
 */
export async function runInformationPlaneSweep(options: InformationPlaneSweepOptions): Promise<InformationPlaneSweep> {
  const { base, elboSigma, annealFrom } = options;
  const gaussian = { id: 'gaussian', config: { sigma: elboSigma } };
  // GECO runs keep the base's GECO options (e.g. `--controller`), with the RE constraint at each kappa.
  const gecoObjective: ExperimentConfig['objective'] = base.objective.kind === 'geco' ? base.objective : { kind: 'geco' };
  const gecoConfig = (kappa: number): ExperimentConfig => ({ ...base, objective: gecoObjective, constraints: [{ id: 're', kappa, config: {} }] });
  const planned: Array<{ name: string; kappa: number | null; config: ExperimentConfig | ((rows: SweepRow[]) => ExperimentConfig) }> = [
    { name: 'elbo', kappa: null, config: { ...base, objective: { kind: 'elbo' }, likelihood: gaussian, constraints: [] } },
    { name: `beta-anneal-${annealFrom}`, kappa: null, config: { ...base, objective: { kind: 'beta-anneal', from: annealFrom, to: 1 }, likelihood: gaussian, constraints: [] } },
    ...options.kappas.map((kappa) => ({ name: `geco-re-${kappa}`, kappa, config: gecoConfig(kappa) })),
  ];
  if (options.matchElbo) {
    planned.push({ name: 'geco-re-matched', kappa: null, config: (rows) => gecoConfig(Number((rows[0] as SweepRow).trainRmse.toPrecision(4))) });
  }
  const rows: Array<SweepRow | undefined> = planned.map(() => undefined);
  const parallel = Math.max(1, options.parallel ?? 1);
  const evaluationLock = createLock();
  const trainOne = async (index: number): Promise<void> => {
    const run = planned[index]!;
    const config = typeof run.config === 'function' ? run.config(rows as SweepRow[]) : run.config;
    const kappa = config.objective.kind === 'geco' ? (config.constraints[0]?.kappa ?? null) : null;
    const runDirectory = join(options.out, run.name);
    options.log(`[${index + 1}/${planned.length}] ${run.name}${kappa === null ? '' : ` (kappa ${kappa})`}: training ${config.training.steps} steps into ${runDirectory}`);
    const trainingOptions = {
      runDirectory,
      config,
      reuseFinishedRuns: options.reuseFinishedRuns === true,
      inChildProcess: parallel > 1,
      threads: options.threads ?? threadsPerProcess(parallel),
      executor: options.executor,
      name: run.name,
      backend: options.backend,
      command: 'sweep',
      // Evaluations run in this process one at a time: two live copies of a model would clash on variable names.
      openLock: evaluationLock,
      log: (text: string) => options.log(`    ${run.name}: ${text}`),
    };
    rows[index] = await trainAndOpenRun(trainingOptions, async (opened, { summary }) => {
      const limit = options.evaluationExamples === undefined ? {} : { maxExamples: options.evaluationExamples };
      const evaluation = await evaluateOpenedRun(opened, limit);
      const row: SweepRow = {
        name: run.name,
        objective: config.objective.kind,
        kappa,
        reconstructionRmse: Math.sqrt(evaluation.reconstructionMse),
        kl: evaluation.kl,
        marginalKl: evaluation.marginalKl?.value ?? null,
        nllPerPixel: evaluation.nllPerPixel,
        sigmaStar: evaluation.sigmaStar,
        constraintSatisfied: kappa === null ? null : summary.constraintsSatisfied,
        trainRmse: await trainingRmse(opened, Math.min(2000, options.evaluationExamples ?? 2000)),
      };
      options.log(
        `    ${run.name}: train RMSE ${row.trainRmse.toFixed(4)}; test RMSE ${row.reconstructionRmse.toFixed(4)}, KL ${row.kl.toFixed(2)} nats, ` +
          `NLL ${row.nllPerPixel.toFixed(4)} nats/pixel at sigma* ${row.sigmaStar.toPrecision(3)}`,
      );
      return row;
    });
  };
  // The baselines first (the matched run needs the ELBO's error), then the GECO runs; `parallel` at a time.
  const baselines = planned.flatMap((run, index) => (typeof run.config === 'function' || run.kappa !== null ? [] : [index]));
  const gecoRuns = planned.flatMap((_, index) => (baselines.includes(index) ? [] : [index]));
  await runWithConcurrency(baselines, parallel, trainOne);
  await runWithConcurrency(gecoRuns, parallel, trainOne);
  const finished = rows as SweepRow[];
  const matchedGeco = finished.find((row) => row.name === 'geco-re-matched');
  const matched = matchedGeco === undefined ? null : { elbo: finished[0] as SweepRow, geco: matchedGeco };
  await writeJsonAtomically(join(options.out, 'sweep.json'), { base, kappas: options.kappas, elboSigma, annealFrom, rows: finished, matched });
  await writeFileAtomically(join(options.out, 'information-plane.html'), new TextEncoder().encode(informationPlaneHtml(finished, options)));
  return { rows: finished, matched };
}

export function informationPlaneHtml(rows: readonly SweepRow[], options: InformationPlaneSweepOptions): string {
  const { base, elboSigma, annealFrom } = options;
  const geco = rows.filter((row) => row.objective === 'geco').sort((first, second) => first.kl - second.kl);
  const chart = (value: (row: SweepRow) => number, yLabel: string, title: string) => {
    const point = (row: SweepRow) => [row.kl, value(row)] as const;
    return overlayChart(
      [
        { kind: 'line', points: geco.map(point), color: '#1f77b4', name: 'GECO-RE (kappas joined)' },
        { kind: 'dots', points: geco.filter((row) => row.name !== 'geco-re-matched').map(point), color: '#1f77b4', radius: 4, name: 'GECO-RE' },
        { kind: 'dots', points: rows.filter((row) => row.name === 'geco-re-matched').map(point), color: '#9467bd', radius: 5, name: "GECO-RE at the ELBO's training RMSE" },
        { kind: 'dots', points: rows.filter((row) => row.objective === 'elbo').map(point), color: '#d62728', radius: 5, name: `ELBO (sigma ${elboSigma})` },
        { kind: 'dots', points: rows.filter((row) => row.objective === 'beta-anneal').map(point), color: '#2ca02c', radius: 5, name: `beta annealed ${annealFrom} -> 1` },
      ],
      { title, xLabel: 'test KL (nats per example)', yLabel, width: 560, height: 380, legendBelow: true },
    );
  };
  const what = `${base.model.id} on ${base.dataset}, ${base.training.steps} steps`;
  const svg =
    chart((row) => row.nllPerPixel, 'NLL (nats per pixel, at sigma*)', `Information plane (Figure 4): ${what}`) +
    chart((row) => row.reconstructionRmse, 'test RMSE (posterior mean)', `Error against KL (Figure 5): ${what}`);
  const cells = (row: SweepRow) =>
    [row.name, row.kappa ?? '', row.trainRmse.toFixed(4), row.reconstructionRmse.toFixed(4), row.kl.toFixed(2), row.marginalKl?.toFixed(2) ?? 'n/a', row.nllPerPixel.toFixed(4)]
      .map((cell) => `<td>${cell}</td>`)
      .join('');
  const table = rows.map((row) => `<tr>${cells(row)}</tr>`).join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tame sweep</title><style>body{font-family:system-ui,sans-serif;margin:24px}' +
    'table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px}</style></head><body><h1>Information plane</h1>' +
    `${svg}<table><tr><th>run</th><th>kappa</th><th>train RMSE</th><th>test RMSE</th><th>test KL</th><th>marginal KL</th><th>NLL/pixel</th></tr>${table}</table></body></html>\n`
  );
}
