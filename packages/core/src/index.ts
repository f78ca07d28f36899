// @tame/core: the versioned plugin specification, the GECO Lagrangian, the trainer and checkpoints.
export * from './spec/index.js';
export {
  CheckpointError,
  InvalidArgumentError,
  InvalidPluginConfigError,
  NoSuchPluginError,
  NonFiniteValueError,
  TameError,
  UnsupportedSpecificationVersionError,
} from './errors/tame-error.js';
export {
  defineConstraintPlugin,
  defineDatasetPlugin,
  defineLikelihoodPlugin,
  defineModelPlugin,
} from './plugin/define-plugin.js';
export { parsePluginConfig } from './plugin/parse-plugin-config.js';
export { assertSupportedPlugin, createRegistry, supportedSpecificationVersions, type PluginRegistry } from './plugin/registry.js';
export { straightThrough } from './lagrangian/straight-through.js';
export {
  multiplicativeUpdate,
  multiplierUpdateRules,
  softplusSquaredUpdate,
  type MultiplierBounds,
  type MultiplierStepOptions,
  type MultiplierUpdateName,
  type MultiplierUpdateRule,
} from './lagrangian/multiplier-update.js';
export {
  createGecoObjective,
  gecoOptionsSchema,
  multiplierOptionsSchema,
  recommendedGecoOptions,
  type GecoConstraintEntry,
  type GecoObjectiveOptions,
  type GecoOptions,
} from './lagrangian/geco-objective.js';
export { createElboObjective, type ElboObjectiveOptions } from './objective/elbo-objective.js';
export type { ObjectiveLoss, ObjectiveLossInput, TrainingObjective } from './objective/training-objective.js';
export { createAdamOptimizer, type AdamOptimizer, type AdamOptions, type AdamState } from './optimizer/adam.js';
export { clipByGlobalNorm, globalNorm } from './optimizer/clip-by-global-norm.js';
export { stepSeed, tfjsSeed } from './random/step-seed.js';
export {
  checkpointFormatVersion,
  decodeCheckpoint,
  encodeCheckpoint,
  type CheckpointTensor,
  type TrainingCheckpoint,
} from './checkpoint/checkpoint-format.js';
export { assignModelVariables, encodeModelWeights, loadModelWeights, readModelWeightsHeader, type ModelWeightsHeader } from './checkpoint/model-weights.js';
export { createMemoryCheckpointStore, type CheckpointStore } from './checkpoint/checkpoint-store.js';
export { estimateMarginalKl, gaussianLogDensityMatrix, type MarginalKlEstimate, type MarginalKlInput } from './evaluation/marginal-kl.js';
export { train, type TrainOptions, type TrainResult } from './trainer/train.js';
export type { StepEvent, TrainingCallbacks, TrainingEndEvent } from './trainer/training-callbacks.js';
export { createArrayDataset, seededPermutation, type ArrayDatasetOptions } from './testing/array-dataset.js';
