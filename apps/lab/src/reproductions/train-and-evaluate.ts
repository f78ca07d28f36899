import { join } from 'node:path';
import type { RunSummary } from '../commands/train-command.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import type { RunEvaluation } from '../run/evaluate-run.js';
import { evaluateOpenedRun, type OpenedRun } from '../run/open-run.js';
import { trainAndOpenRun } from '../run/train-and-open-run.js';
import type { ReproductionContext } from './reproduction.js';

/** Examples per split that smoke runs evaluate on. */
export const smokeEvaluationExamples = 200;

export interface TrainedRun {
  readonly name: string;
  readonly runDirectory: string;
  readonly summary: RunSummary;
  readonly evaluation: RunEvaluation;
}

/**
 * Trains one named run of a reproduction into `<outDirectory>/<name>` (a normal run directory: config.json,
 * metrics.jsonl, checkpoints, report.html; with `context.resume`, a run that finished with this config is reused), evaluates it on the test split like `tame eval`, and lets `inspect`
 * look at the trained model (figures) before it is freed.
 */
export async function trainAndEvaluate<EXTRA = undefined>(
  context: ReproductionContext,
  name: string,
  config: ExperimentConfig,
  inspect?: (run: OpenedRun) => Promise<EXTRA>,
): Promise<TrainedRun & { readonly extra: EXTRA }> {
  const runDirectory = join(context.outDirectory, name);
  const started = performance.now();
  context.log(`${name}: training ${config.model.id} on ${config.dataset} (${config.objective.kind}${config.constraints.map((entry) => `, ${entry.id} <= ${entry.kappa}`).join('')}) for ${config.training.steps} steps`);
  const options = { runDirectory, config, reuseFinishedRuns: context.resume === true, inChildProcess: false, executor: context.executor, backend: context.backend, command: 'reproduce', log: (text: string) => context.log(`${name}: ${text}`) };
  return trainAndOpenRun(options, async (opened, { summary }) => {
    // Smoke runs evaluate on a few hundred examples: they prove the pipeline, not the numbers.
    const evaluation = await evaluateOpenedRun(opened, context.scale === 'smoke' ? { maxExamples: smokeEvaluationExamples } : {});
    const extra = inspect === undefined ? (undefined as EXTRA) : await inspect(opened);
    context.log(
      `${name}: test RMSE ${Math.sqrt(evaluation.reconstructionMse).toFixed(4)}, KL ${evaluation.kl.toFixed(2)} nats` +
        `${evaluation.marginalKl === null ? '' : `, marginal KL ${evaluation.marginalKl.value.toFixed(2)} ± ${evaluation.marginalKl.standardError.toFixed(2)}`} ` +
        `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    return { name, runDirectory, summary, evaluation, extra };
  });
}
