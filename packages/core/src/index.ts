/**
 * `@tame/core`: the versioned plugin specification, the GECO Lagrangian, the trainer and checkpoints.
 *
 * @module @tame/core
 */
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
  type PluginDefinition,
} from './plugin/define-plugin.js';
export { parsePluginConfig } from './plugin/parse-plugin-config.js';
export { assertSupportedPlugin, createRegistry, supportedSpecificationVersions, type PluginRegistry } from './plugin/registry.js';
export { straightThrough } from './lagrangian/straight-through.js';
export type { MultiplierBounds, MultiplierController, MultiplierControllerInput } from './lagrangian/multiplier-controller.js';
export {
  controllerFor,
  multiplierControllerConfigSchema,
  multiplierControllers,
  type MultiplierControllerConfig,
  type MultiplierControllerKind,
  type ResolvedMultiplierControllerConfig,
} from './lagrangian/multiplier-controllers.js';
export { algorithm1Controller, type Algorithm1Options } from './lagrangian/controllers/algorithm-1-controller.js';
export { asymmetricController, type AsymmetricOptions } from './lagrangian/controllers/asymmetric-controller.js';
export { piController, type PiOptions } from './lagrangian/controllers/pi-controller.js';
export { pidController, type PidOptions } from './lagrangian/controllers/pid-controller.js';
export { softplusSquaredController, type SoftplusSquaredOptions } from './lagrangian/controllers/softplus-squared-controller.js';
export {
  defaultControllerPlantOptions,
  measureControllerTrajectory,
  simulateController,
  type ControllerMeasurements,
  type ControllerPlantOptions,
  type ControllerTrajectory,
} from './lagrangian/controller-test-plant.js';
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
export { adamUpdateKernelName, createAdamOptimizer, type AdamOptimizer, type AdamOptions, type AdamState } from './optimizer/adam.js';
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
