// @tame/vae-nvp: VAE with a conditional RealNVP posterior (the VAE+NVP of Taming VAEs), a model plugin for tame.
export {
  createVaeNvpModel,
  posteriorLogDensities,
  vaeNvpModel,
  vaeNvpModelId,
  type VaeNvpModel,
  type VaeNvpPosteriorSample,
} from './vae-nvp-model.js';
export {
  vaeNvpConfigSchema,
  vaeNvpPresetNames,
  vaeNvpPresets,
  type VaeNvpArchitecture,
  type VaeNvpConfig,
  type VaeNvpConfigInput,
  type VaeNvpPresetName,
} from './vae-nvp-config.js';
export { minimumBaseScale, type VaeNvpPosterior } from './conv-encoder.js';
export { alternatingMask, type ConditionalFlow } from './conditional-flow.js';
export type { CouplingLayer, CouplingResult } from './coupling-layer.js';
export type { PairwiseLogPosteriorOptions } from './pairwise-log-posterior.js';
export { diagonalGaussianLogDensity, standardNormalLogDensity } from './gaussian-log-density.js';
