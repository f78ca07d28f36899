import { join, resolve } from 'node:path';
import { resolveExperimentConfig } from '../experiment/resolve-experiment-config.js';
import { isPositiveInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { defaultParallelRuns, runInformationPlaneSweep } from '../run/information-plane-sweep.js';
import { prepareQueueSubmission } from '../queue/prepare-queue-submission.js';
import type { QueueRunExecutor } from '../queue/queue-run-executor.js';
import { pathExists } from '../run/run-directory.js';
import { startBackend } from '../start-backend.js';
import { threadsFlag } from '../thread-count.js';
import { UsageError } from '../usage-error.js';

export const sweepFlags = {
  config: { type: 'string' },
  model: { type: 'string' },
  dataset: { type: 'string' },
  kappas: { type: 'string' },
  controller: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  'elbo-sigma': { type: 'string' },
  'anneal-from': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  resume: { type: 'boolean' },
  queue: { type: 'string' },
  store: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  'no-match-elbo': { type: 'boolean' },
  parallel: { type: 'string' },
  threads: { type: 'string' },
} as const;

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
  if (flags.force === true && flags.resume === true) throw new UsageError('tame sweep: --force and --resume exclude each other (--resume keeps finished runs, --force retrains them)');
  if ((await pathExists(out)) && flags.force !== true && flags.resume !== true) {
    throw new UsageError(`tame sweep: ${out} already exists; pass --force to overwrite its runs or --resume to keep the finished ones`);
  }
  if (flags.store !== undefined && flags.queue === undefined) throw new UsageError('tame sweep: --store only means something with --queue (the directory workers share)');
  if (flags.queue !== undefined && flags.parallel !== undefined) throw new UsageError('tame sweep: --parallel does not apply with --queue (the workers decide: tame worker --concurrency)');
  const parallel = numberFlag('sweep', 'parallel', flags.parallel, defaultParallelRuns(), isPositiveInteger, 'a positive integer (runs trained at once)');
  const base = await resolveExperimentConfig({ ...flags, constraint: ['re:0.1'] }, 'sweep');
  // With --parallel 1 the runs train in this process; otherwise each in its own, with --threads each.
  const threads = threadsFlag('sweep', flags.threads);
  await startBackend('sweep', flags.backend, parallel === 1 ? threads : undefined);
  const log = (text: string) => {
    if (flags.json !== true) process.stdout.write(`${text}\n`);
  };
  const executor: QueueRunExecutor | undefined =
    flags.queue === undefined ? undefined : await (await prepareQueueSubmission('sweep', { queue: flags.queue, store: flags.store, resume: flags.resume === true }, [out], log))(out);
  let sweep: Awaited<ReturnType<typeof runInformationPlaneSweep>>;
  try {
    sweep = await runInformationPlaneSweep({
      base,
      kappas,
      elboSigma: sigma,
      annealFrom,
      matchElbo: flags['no-match-elbo'] !== true,
      out,
      log,
      // On a queue every run is submitted at once; the workers' --concurrency decides how many train.
      parallel: executor === undefined ? parallel : Number.MAX_SAFE_INTEGER,
      ...(threads === undefined ? {} : { threads }),
      reuseFinishedRuns: flags.resume === true,
      ...(executor === undefined ? {} : { executor }),
      ...(flags.backend === undefined ? {} : { backend: flags.backend }),
    });
  } finally {
    await executor?.close();
  }
  const { rows, matched } = sweep;
  if (flags.json === true) process.stdout.write(`${JSON.stringify({ out: resolve(out), rows, matched })}\n`);
  else {
    if (matched !== null) {
      log(`GECO set to the ELBO's training RMSE (${matched.geco.kappa}): test KL ${matched.geco.kl.toFixed(2)} vs the ELBO's ${matched.elbo.kl.toFixed(2)} nats at test RMSE ${matched.geco.reconstructionRmse.toFixed(4)} vs ${matched.elbo.reconstructionRmse.toFixed(4)}`);
    }
    log(`wrote ${join(out, 'sweep.json')} and ${join(out, 'information-plane.html')}`);
  }
}
