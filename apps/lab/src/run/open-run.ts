import { join } from 'node:path';
import { assignModelVariables, type DatasetV1, TameError } from '@tame/core';
import { createFileCheckpointStore } from '@tame/core/node';
import { buildExperiment, type Experiment } from '../experiment/build-experiment.js';
import type { ExperimentConfig } from '../experiment/experiment-config.js';
import { openDatasetById } from '../experiment/open-dataset.js';
import { findCatalogEntry, modelCatalog } from '../experiment/plugin-catalog.js';
import { UsageError } from '../usage-error.js';
import { evaluateRun, type RunEvaluation } from './evaluate-run.js';
import { readRunConfig, runFiles } from './run-directory.js';

export interface OpenedRun {
  readonly runDirectory: string;
  readonly config: ExperimentConfig;
  readonly dataset: DatasetV1;
  readonly experiment: Experiment;
  /** Training step of the checkpoint whose weights the model now holds. */
  readonly step: number;
  readonly checkpoint: string;
  dispose(): void;
}

/**
 * Recreates a run's dataset and model from config.json and loads the weights of its newest checkpoint, for
 * evaluation, sampling and reports. A missing or corrupt checkpoint is a one-line usage error.
 */
export async function openRun(command: string, runDirectory: string): Promise<OpenedRun> {
  const config = await readRunConfig(command, runDirectory);
  const dataset = await openDatasetById(config.dataset);
  const experiment = buildExperiment(config, dataset);
  const dispose = () => {
    experiment.dispose();
    dataset.dispose();
  };
  try {
    const latest = await createFileCheckpointStore({ directory: join(runDirectory, runFiles.checkpoints) }).loadLatest();
    if (latest === undefined) throw new UsageError(`tame ${command}: ${runDirectory} has no checkpoint yet (train it first)`);
    assignModelVariables(experiment.model, latest.checkpoint.tensors, latest.location, { allowExtra: true });
    return { runDirectory, config, dataset, experiment, step: latest.checkpoint.step, checkpoint: latest.location, dispose };
  } catch (error) {
    dispose();
    if (TameError.isInstance(error)) throw new UsageError(`tame ${command}: ${error.message}`);
    throw error;
  }
}

/**
 * `evaluateRun` on an opened run, with the model's own posterior density from the catalog where its posterior is not
 * a diagonal Gaussian (vae-nvp), so the marginal KL is estimated for every model that can give it.
 */
export function evaluateOpenedRun(run: OpenedRun, options: { readonly seed?: number; readonly maxExamples?: number } = {}): Promise<RunEvaluation> {
  const density = findCatalogEntry(modelCatalog, run.config.model.id)?.posteriorLogDensities;
  const model = run.experiment.model;
  return evaluateRun(
    { ...run.experiment, dataset: run.dataset },
    { ...options, ...(density === undefined ? {} : { posteriorLogDensities: (inputs, latents) => density(model, inputs, latents) }) },
  );
}
