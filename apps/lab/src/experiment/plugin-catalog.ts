import { featureReconstructionErrorConstraint, patchNccConstraint, reconstructionErrorConstraint } from '@tame/constraints';
import { mnistClassificationAccuracyConstraint, mnistFeatureReconstructionErrorConstraint } from '@tame/constraints/node';
import {
  bagginsLikelihoodPlugin,
  bernoulliLikelihood,
  gaussianLearnedSigmaLikelihood,
  gaussianLikelihood,
  gaussianPerPixelSigmaLikelihood,
  quantizedNormalLikelihood,
} from '@tame/likelihoods';
import {
  type ConstraintV1,
  type DatasetInfoV1,
  type LikelihoodV1,
  type ModelV1,
  parsePluginConfig,
  type PluginKind,
  type PluginV1,
  TameError,
} from '@tame/core';
import { bilboVaePlugin } from '@tame/bilbo-vae';
import { convVaePlugin } from '@tame/conv-vae';
import { convDrawPlugin } from '@tame/convdraw';
import { posteriorLogDensities, type VaeNvpModel, vaeNvpModel } from '@tame/vae-nvp';
import type * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../usage-error.js';

/** What the experiment knows when it creates a plugin: the data it will see. */
export interface CatalogContext {
  readonly data: DatasetInfoV1;
}

export interface CatalogEntry<INSTANCE> {
  /** What a user types: `--model conv-vae`, `--constraint re:0.1`, `--likelihood gaussian`. */
  readonly id: string;
  readonly summary: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalog holds plugins of every config type
  readonly plugin: PluginV1<PluginKind, any, INSTANCE>;
  /** Fills the config fields the experiment determines (data shape, classes) where the user left them out. */
  readonly complete?: (config: Record<string, unknown>, context: CatalogContext) => Record<string, unknown>;
  /**
   * Models whose posterior is not a diagonal Gaussian in `extras`: log q(z_i | x_j) for latents [M, d] against
   * inputs [N, ...] ([M, N]), for the marginal KL of `tame eval`.
   */
  readonly posteriorLogDensities?: (model: INSTANCE, inputs: tf.Tensor, latents: tf.Tensor2D) => tf.Tensor2D;
}

const withDataShape = (config: Record<string, unknown>, { data }: CatalogContext) => ({ dataShape: [...data.shape], ...config });

export const modelCatalog: ReadonlyArray<CatalogEntry<ModelV1>> = [
  { id: 'conv-vae', summary: 'reference conv VAE, Gaussian posterior, H and W multiples of 4 (config: preset reference|tiny, latentSize); fast, the default', plugin: convVaePlugin, complete: withDataShape },
  {
    id: 'bilbo-vae',
    summary: "conv VAE with constant posterior variance (config: posterior constant|learned, posteriorScale); pair with --objective bilbo",
    plugin: bilboVaePlugin,
    complete: withDataShape,
  },
  {
    id: 'convdraw',
    summary: 'ConvDRAW (ConvLSTM cores, learned prior, T steps); conditional on the dataset context when it has one',
    plugin: convDrawPlugin,
    complete: (config, { data }) => {
      const context = data.contextShape;
      const inferred =
        context === undefined ? { kind: 'none' } : context.length === 1 ? { kind: 'vector', shape: [...context] } : { kind: 'image', shape: [...context] };
      return { dataShape: [...data.shape], context: inferred, ...config };
    },
  },
  {
    id: 'vae-nvp',
    summary: 'VAE with a conditional RealNVP posterior (config: preset small|faithful, latentSize, couplingLayers)',
    plugin: vaeNvpModel,
    complete: withDataShape,
    posteriorLogDensities: (model, inputs, latents) => posteriorLogDensities(model as VaeNvpModel, { inputs: inputs as tf.Tensor4D, latents }),
  },
];

export const likelihoodCatalog: ReadonlyArray<CatalogEntry<LikelihoodV1>> = [
  { id: 'gaussian', summary: 'Gaussian, fixed global sigma (config: sigma, default 0.1)', plugin: gaussianLikelihood },
  { id: 'gaussian-learned', summary: 'Gaussian, one learned global sigma', plugin: gaussianLearnedSigmaLikelihood },
  {
    id: 'gaussian-per-pixel',
    summary: 'Gaussian, a learned sigma per data dimension',
    plugin: gaussianPerPixelSigmaLikelihood,
    complete: (config, { data }) => ({ shape: [...data.shape], ...config }),
  },
  { id: 'quantized-normal', summary: 'discretised Gaussian over 256 bins of [0, 1]', plugin: quantizedNormalLikelihood },
  { id: 'bernoulli', summary: 'Bernoulli on probabilities (for binarised data)', plugin: bernoulliLikelihood, complete: (config) => ({ parameterization: 'probabilities', ...config }) },
  { id: 'baggins', summary: 'BAGGINS: bounded Gaussian, closed-form batch variance (documented reconstruction)', plugin: bagginsLikelihoodPlugin },
];

export const constraintCatalog: ReadonlyArray<CatalogEntry<ConstraintV1>> = [
  {
    id: 're',
    summary: 'reconstruction error, kappa = per-pixel RMSE',
    plugin: reconstructionErrorConstraint,
    complete: (config, { data }) => ({ dimensions: data.shape.reduce((product, size) => product * size, 1), ...config }),
  },
  { id: 'fre', summary: 'feature reconstruction error on patch means and std devs, kappa = per-feature RMSE', plugin: featureReconstructionErrorConstraint },
  { id: 'fre-mnist', summary: "feature reconstruction error on the MNIST classifier's penultimate layer", plugin: mnistFeatureReconstructionErrorConstraint },
  { id: 'cla', summary: 'classification accuracy of reconstructions by the shipped MNIST classifier >= kappa (needs labels)', plugin: mnistClassificationAccuracyConstraint },
  { id: 'pncc', summary: 'mean normalised cross-correlation of whitened patches >= kappa, in [-1, 1]', plugin: patchNccConstraint },
];

/**
 * Creates a plugin instance from the catalog: an unknown id lists the valid ones, and an invalid config names the
 * field (both as one-line usage errors, since they come from what the user typed or wrote in the experiment file).
 */
/** The catalog entry of an id (undefined when unknown). */
export function findCatalogEntry<INSTANCE>(catalog: ReadonlyArray<CatalogEntry<INSTANCE>>, id: string): CatalogEntry<INSTANCE> | undefined {
  return catalog.find((candidate) => candidate.id === id);
}

export function createFromCatalog<INSTANCE>(
  kind: string,
  catalog: ReadonlyArray<CatalogEntry<INSTANCE>>,
  id: string,
  config: Record<string, unknown>,
  context: CatalogContext,
): INSTANCE {
  const entry = catalog.find((candidate) => candidate.id === id);
  if (entry === undefined) {
    throw new UsageError(`tame: unknown ${kind} '${id}' (expected one of: ${catalog.map((candidate) => candidate.id).join(', ')})`);
  }
  try {
    return entry.plugin.create(parsePluginConfig(entry.plugin, entry.complete?.(config, context) ?? config));
  } catch (error) {
    if (TameError.isInstance(error)) throw new UsageError(`tame: ${kind} '${id}': ${error.message}`);
    throw error;
  }
}

/** Help text: one line per catalog entry. */
export function describeCatalog(title: string, catalog: ReadonlyArray<Pick<CatalogEntry<unknown>, 'id' | 'summary'>>): string {
  return [`${title}:`, ...catalog.map((entry) => `  ${entry.id.padEnd(14)} ${entry.summary}`)].join('\n');
}
