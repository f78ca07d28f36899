export {
  createGaussianLikelihood,
  gaussianLikelihood,
  gaussianLikelihoodConfigSchema,
  type GaussianLikelihoodConfig,
} from './gaussian-likelihood.js';
