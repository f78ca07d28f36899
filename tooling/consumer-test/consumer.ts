// What a TypeScript user writes against tame's public entry points, type-checked with `tsc --noEmit` (strict) against
// the .d.ts of the packed tarballs installed in a project outside the repository. Never run: train-conv-vae.js runs.
import { type BackendName, backendNames, setBackend } from '@tame/backend';
import { bilboVaePlugin, createBilboObjective, createBilboVaeModel } from '@tame/bilbo-vae';
import { createReconstructionErrorConstraint, reconstructionErrorConstraint } from '@tame/constraints';
import { loadMnistClassifier, mnistClassificationAccuracyConstraint } from '@tame/constraints/node';
import { convVaePlugin, type ConvVaeConfigInput, createConvVaeModel } from '@tame/conv-vae';
import { convDrawPlugin } from '@tame/convdraw';
import {
  type ConstraintPluginV1,
  type ConstraintV1,
  createGecoObjective,
  createRegistry,
  type DatasetPluginV1,
  type DatasetV1,
  type LikelihoodPluginV1,
  type ModelPluginV1,
  type ModelV1,
  parsePluginConfig,
  recommendedGecoOptions,
  TameError,
  train,
  type TrainResult,
} from '@tame/core';
import { createFileCheckpointStore } from '@tame/core/node';
import { describeConstraintPluginConformance, describeModelPluginConformance } from '@tame/core/test';
import { blobsDatasetPlugin, createBlobsDataset } from '@tame/datasets';
import { loadEmbeddedMnist, mnistDatasetPlugin } from '@tame/datasets/node';
import { bernoulliLikelihood, createGaussianLikelihood } from '@tame/likelihoods';
import { vaeNvpModel } from '@tame/vae-nvp';
import { createMeanAbsoluteErrorConstraint, type MeanAbsoluteErrorConfig, meanAbsoluteErrorConstraint } from '@tame-example/constraint-mae';

// First-party plugins and the third-party one satisfy the spec types of the one @tame/core installed.
const models: readonly ModelPluginV1[] = [convVaePlugin, vaeNvpModel, convDrawPlugin, bilboVaePlugin];
const constraints: readonly ConstraintPluginV1[] = [reconstructionErrorConstraint, mnistClassificationAccuracyConstraint, meanAbsoluteErrorConstraint];
const likelihoods: readonly LikelihoodPluginV1[] = [bernoulliLikelihood];
const datasets: readonly DatasetPluginV1[] = [blobsDatasetPlugin, mnistDatasetPlugin];
export const registry = createRegistry([...models, ...constraints, ...likelihoods, ...datasets]);

// Config-first: JSON in, an instance of the spec type out.
export const fromJson: ConstraintV1 = registry.create('constraint', '@tame-example/constraint-mae', JSON.parse('{"kappa":0.05}'));
export const resolvedConfig = parsePluginConfig(convVaePlugin, { preset: 'tiny' } satisfies ConvVaeConfigInput);

/** Code-first: the README's training loop, with both constraints and a checkpoint store. */
export async function trainConvVae(dataset: DatasetV1 = loadEmbeddedMnist()): Promise<TrainResult> {
  const backend: BackendName = await setBackend(backendNames.includes('wasm') ? 'wasm' : 'auto');
  const model: ModelV1 = createConvVaeModel({ preset: 'tiny', seed: 1 });
  const mae: MeanAbsoluteErrorConfig = { kappa: 0.05 };
  try {
    return await train({
      model,
      dataset,
      objective: createGecoObjective({
        ...recommendedGecoOptions,
        constraints: [createReconstructionErrorConstraint({ kappa: 0.1 }), { constraint: createMeanAbsoluteErrorConstraint(mae), initialMultiplier: 2 }],
      }),
      steps: 10,
      batchSize: 16,
      checkpoint: { store: createFileCheckpointStore({ directory: `runs/${backend}` }), every: 5 },
      callbacks: [{ onStepEnd: ({ step, metrics }) => console.log(step, metrics['mae.multiplier']) }],
    });
  } catch (error) {
    if (TameError.isInstance(error)) console.error(error.message);
    throw error;
  } finally {
    model.dispose();
  }
}

/** BILBO with a likelihood, and a classifier constraint with the shipped weights: the other two objectives' inputs. */
export function otherObjectives() {
  const model = createBilboVaeModel({});
  return {
    bilbo: createBilboObjective({ model, likelihood: createGaussianLikelihood({ sigma: 0.1 }) }),
    classifier: loadMnistClassifier(),
    toy: createBlobsDataset({}),
  };
}

/** A plugin author's test file: the public conformance suites accept both kinds of plugins. */
export function conformance(): void {
  describeConstraintPluginConformance(meanAbsoluteErrorConstraint, { config: { kappa: 0.1 }, batch: () => ({ inputs: loadTensor() }), reconstruction: loadTensor });
  describeModelPluginConformance(convVaePlugin, { config: { preset: 'tiny' }, batch: () => ({ inputs: loadTensor() }) });
}
declare function loadTensor(): import('@tensorflow/tfjs-core').Tensor;
