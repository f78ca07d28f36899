import { join, resolve } from 'node:path';
import { setBackend } from '@tame/backend';
import { writeFileAtomically } from '@tame/core/node';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { resolveExperimentConfig } from '../experiment/resolve-experiment-config.js';
import { parseFlags } from '../parse-flags.js';
import { overlayChart } from '../report/scatter-chart.js';
import { evaluateOpenedRun, openRun } from '../run/open-run.js';
import { pathExists, writeJsonAtomically } from '../run/run-directory.js';
import { UsageError } from '../usage-error.js';
import { runExperiment } from './train-command.js';

export const sweepFlags = {
  config: { type: 'string' },
  model: { type: 'string' },
  dataset: { type: 'string' },
  kappas: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  'elbo-sigma': { type: 'string' },
  'anneal-from': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** One point of the information plane (Figure 4). */
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
}

function parseList(text: string): number[] {
  const values = text.split(',').map((part) => Number(part));
  if (values.length === 0 || values.some((value) => !(value > 0 && value < 1))) {
    throw new UsageError(`tame sweep: --kappas must be per-pixel RMSEs in (0, 1) separated by commas, e.g. 0.08,0.1,0.15; got '${text}'`);
  }
  return values;
}

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`tame sweep: --${name} must be a positive number, got '${text}'`);
  return value;
}

/**
 * `tame sweep`: one experiment under GECO-RE at several kappas, plus an ELBO baseline (Gaussian likelihood with a
 * fixed sigma) and a hand-annealed beta baseline, each trained with the same model, data and budget, then evaluated
 * on the test split. Writes sweep.json (the table) and information-plane.html (NLL per pixel at sigma* against KL,
 * Figure 4 / Figure 5 of Taming VAEs).
 */
export async function sweepCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('sweep', argv, sweepFlags);
  const kappas = parseList(flags.kappas ?? '0.08,0.1,0.15');
  const sigma = positiveNumber('elbo-sigma', flags['elbo-sigma'], 0.1);
  const annealFrom = positiveNumber('anneal-from', flags['anneal-from'], 10);
  const out = flags.out ?? join('runs', `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if ((await pathExists(out)) && flags.force !== true) throw new UsageError(`tame sweep: ${out} already exists; pass --force to overwrite its runs`);
  const base = await resolveExperimentConfig({ ...flags, constraint: ['re:0.1'] });
  const runs: Array<{ name: string; config: ExperimentConfig; kappa: number | null }> = [
    ...kappas.map((kappa) => ({ name: `geco-re-${kappa}`, kappa, config: { ...base, objective: { kind: 'geco' as const }, constraints: [{ id: 're', kappa, config: {} }] } })),
    { name: 'elbo', kappa: null, config: { ...base, objective: { kind: 'elbo' as const }, likelihood: { id: 'gaussian', config: { sigma } }, constraints: [] } },
    {
      name: `beta-anneal-${annealFrom}`,
      kappa: null,
      config: { ...base, objective: { kind: 'beta-anneal' as const, from: annealFrom, to: 1 }, likelihood: { id: 'gaussian', config: { sigma } }, constraints: [] },
    },
  ];
  await setBackend(flags.backend ?? 'auto');
  const rows: SweepRow[] = [];
  for (const [index, run] of runs.entries()) {
    const runDirectory = join(out, run.name);
    if (flags.json !== true) process.stdout.write(`[${index + 1}/${runs.length}] ${run.name}: training ${run.config.training.steps} steps into ${runDirectory}\n`);
    const summary = await runExperiment({ config: run.config, runDirectory, resuming: false, output: 'quiet' });
    const opened = await openRun('sweep', runDirectory);
    try {
      const evaluation = await evaluateOpenedRun(opened);
      rows.push({
        name: run.name,
        objective: run.config.objective.kind,
        kappa: run.kappa,
        reconstructionRmse: Math.sqrt(evaluation.reconstructionMse),
        kl: evaluation.kl,
        marginalKl: evaluation.marginalKl?.value ?? null,
        nllPerPixel: evaluation.nllPerPixel,
        sigmaStar: evaluation.sigmaStar,
        constraintSatisfied: run.kappa === null ? null : summary.constraintsSatisfied,
      });
      if (flags.json !== true) {
        const row = rows.at(-1)!;
        process.stdout.write(`    test RMSE ${row.reconstructionRmse.toFixed(4)}, KL ${row.kl.toFixed(2)} nats, NLL ${row.nllPerPixel.toFixed(4)} nats/pixel at sigma* ${row.sigmaStar.toPrecision(3)}\n`);
      }
    } finally {
      opened.dispose();
    }
  }
  const geco = rows.filter((row) => row.objective === 'geco').sort((first, second) => first.kl - second.kl);
  const point = (row: SweepRow) => [row.kl, row.nllPerPixel] as const;
  const svg = overlayChart(
    [
      { kind: 'line', points: geco.map(point), color: '#1f77b4', name: 'GECO-RE (kappas joined)' },
      { kind: 'dots', points: geco.map(point), color: '#1f77b4', radius: 4, name: 'GECO-RE' },
      { kind: 'dots', points: rows.filter((row) => row.objective === 'elbo').map(point), color: '#d62728', radius: 5, name: `ELBO (sigma ${sigma})` },
      { kind: 'dots', points: rows.filter((row) => row.objective === 'beta-anneal').map(point), color: '#2ca02c', radius: 5, name: `beta annealed ${annealFrom} -> 1` },
    ],
    { title: `Information plane: ${base.model.id} on ${base.dataset}, ${base.training.steps} steps`, xLabel: 'KL (nats per example)', yLabel: 'NLL (nats per pixel, at sigma*)', width: 640, height: 400 },
  );
  const table = rows.map((row) => `<tr><td>${row.name}</td><td>${row.reconstructionRmse.toFixed(4)}</td><td>${row.kl.toFixed(2)}</td><td>${row.marginalKl?.toFixed(2) ?? 'n/a'}</td><td>${row.nllPerPixel.toFixed(4)}</td></tr>`).join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tame sweep</title><style>body{font-family:system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px}</style></head><body><h1>tame sweep</h1>${svg}<table><tr><th>run</th><th>test RMSE</th><th>KL</th><th>marginal KL</th><th>NLL/pixel</th></tr>${table}</table></body></html>\n`;
  await writeJsonAtomically(join(out, 'sweep.json'), { base, kappas, elboSigma: sigma, annealFrom, rows });
  await writeFileAtomically(join(out, 'information-plane.html'), new TextEncoder().encode(html));
  if (flags.json === true) process.stdout.write(`${JSON.stringify({ out: resolve(out), rows })}\n`);
  else process.stdout.write(`wrote ${join(out, 'sweep.json')} and ${join(out, 'information-plane.html')}\n`);
}
