// @tame/bilbo-vae: the constant-posterior-variance VAE of "There and Back Again" (Fyffe), its BILBO objective
// with the closed-form floating prior, and the honest fixed-prior evaluation.
export {
  bilboVaeConfigSchema,
  encoderResolutions,
  type BilboVaeConfig,
  type BilboVaeConfigInput,
  type BilboVaePosterior,
  type BilboVaePreset,
} from './bilbo-vae-config.js';
export { bilboVaeModelId, bilboVaePlugin, createBilboVaeModel, type BilboVaeModel, type FloatingPriorModel } from './bilbo-vae-model.js';
export { createBilboObjective, floatingPriorMetricName, type BilboObjectiveCommonOptions, type BilboObjectiveOptions } from './bilbo-objective.js';
export { accurateLog1p, floatingPrior, floatingPriorRate, gaussianKlToZeroMeanPrior } from './floating-prior.js';
export {
  estimatePriorVariance,
  fixedPriorElbo,
  type EstimatePriorVarianceOptions,
  type FixedPriorElboOptions,
  type FixedPriorElboResult,
} from './fixed-prior-elbo.js';
