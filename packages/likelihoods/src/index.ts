// @tame/likelihoods: likelihood plugins (per-example NLL in nats, summed over data dimensions) and the
// sigma-independent NLL evaluation of GECO's Appendix D.
export {
  createGaussianLikelihood,
  gaussianLikelihood,
  gaussianLikelihoodConfigSchema,
  type GaussianLikelihoodConfig,
  type GaussianLikelihoodOptions,
} from './gaussian-likelihood.js';
export {
  createGaussianLearnedSigmaLikelihood,
  gaussianLearnedSigmaLikelihood,
  gaussianLearnedSigmaLikelihoodConfigSchema,
  type GaussianLearnedSigmaLikelihoodConfig,
  type GaussianLearnedSigmaLikelihoodOptions,
} from './gaussian-learned-sigma-likelihood.js';
export {
  createGaussianPerPixelSigmaLikelihood,
  gaussianPerPixelSigmaLikelihood,
  gaussianPerPixelSigmaLikelihoodConfigSchema,
  type GaussianPerPixelSigmaLikelihoodConfig,
  type GaussianPerPixelSigmaLikelihoodOptions,
} from './gaussian-per-pixel-sigma-likelihood.js';
export {
  createQuantizedNormalLikelihood,
  quantizedNormalLikelihood,
  quantizedNormalLikelihoodConfigSchema,
  type QuantizedNormalLikelihoodConfig,
  type QuantizedNormalLikelihoodOptions,
} from './quantized-normal-likelihood.js';
export {
  createQuantizedNormalAccumulator,
  quantizedNormalNegativeLogLikelihood,
  quantizedNormalReport,
  type BinningScheme,
  type QuantizationOptions,
  type QuantizedNormalReport,
} from './quantized-normal.js';
export { logNormalBinProbability, logNormalCdf } from './log-normal-cdf.js';
export {
  optimalGlobalSigma,
  sigmaIndependentNll,
  summarizePerExampleSquaredErrors,
  summarizeSquaredError,
  type PerExampleSquaredErrors,
  type ReconstructionPair,
  type ReconstructionSource,
  type SigmaIndependentNllOptions,
  type SigmaIndependentNllResult,
  type SquaredErrorSummary,
} from './sigma-independent-nll.js';
export {
  bernoulliLikelihood,
  bernoulliLikelihoodConfigSchema,
  createBernoulliLikelihood,
  type BernoulliLikelihoodConfig,
  type BernoulliLikelihoodOptions,
} from './bernoulli-likelihood.js';
export {
  bagginsLikelihoodConfigSchema,
  bagginsLikelihoodPlugin,
  computeBagginsVariance,
  createBagginsLikelihood,
  type BagginsLikelihoodConfig,
  type BagginsLikelihoodOptions,
  type BagginsVariance,
} from './baggins-likelihood.js';
export { checkInputsSchema, type CheckInputsMode } from './input-checks.js';
