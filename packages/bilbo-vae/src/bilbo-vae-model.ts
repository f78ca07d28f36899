import * as tf from '@tensorflow/tfjs-core';
import { type BatchV1, defineModelPlugin, InvalidArgumentError, type ModelV1, parsePluginConfig, tfjsSeed } from '@tame/core';
import { type BilboVaeConfig, type BilboVaeConfigInput, bilboVaeConfigSchema, encoderResolutions } from './bilbo-vae-config.js';
import { gaussianKlToZeroMeanPrior } from './floating-prior.js';

export const bilboVaeModelId = '@tame/bilbo-vae';

/** What the BILBO objective needs from a model: a constant posterior std s and a writable moving prior v. */
export interface FloatingPriorModel {
  readonly posterior: 'constant' | 'learned';
  /** s, the constant posterior standard deviation. */
  readonly posteriorScale: number;
  readonly latentSize: number;
  /** The current fixed prior variances v ([latentSize], float32 values as numbers). */
  getPriorVariance(): number[];
  /** Writes v (every entry finite and > 0); used by the objective's moving average and by `estimatePriorVariance`. */
  setPriorVariance(values: readonly number[]): void;
}

export interface BilboVaeModel extends ModelV1, FloatingPriorModel {
  /** The moving prior variances v, [latentSize]: non-trainable, saved in checkpoints and weights files. */
  readonly priorVariance: tf.Variable;
  /** Posterior means [batch, latentSize] and, for the learned posterior, standard deviations. Caller owns them. */
  encode(inputs: tf.Tensor): { readonly mean: tf.Tensor2D; readonly scale?: tf.Tensor2D };
  /** Mean image [batch, ...dataShape] for latents [batch, latentSize], in [0, dataScale]. */
  decode(latent: tf.Tensor2D): tf.Tensor4D;
  /** z ~ N(0, diag v), [count, latentSize]. */
  samplePrior(options: { readonly count: number; readonly seed: number }): tf.Tensor2D;
}

/** softplus^-1(y) = log(e^y - 1): the learned head starts at the std s when its pre-activation is 0. */
function inverseSoftplus(value: number): number {
  return value > 30 ? value : Math.log(Math.expm1(value));
}

/**
 * The BILBO VAE: a conv encoder that outputs only the posterior means (q(z|x) = N(mu(x), s^2 I)) and a decoder that
 * outputs only the mean image; with `posterior: 'learned'` a second encoder head gives per-example stds (the
 * ordinary VAE baseline, same networks otherwise). `kl` is the analytic KL to the model's fixed prior N(0, diag v),
 * whose variances v are a non-trainable variable kept up to date by `createBilboObjective` (1 until then).
 */
export function createBilboVaeModel(options: BilboVaeConfigInput = {}): BilboVaeModel {
  const config: BilboVaeConfig = parsePluginConfig(bilboVaePlugin, options);
  const { name, seed, latentSize, posterior, posteriorScale, dataScale, kernelSize, encoderFilters, decoderFilters } = config;
  const [height, width, channels] = config.dataShape;
  const resolutions = encoderResolutions(config);
  const layerCount = encoderFilters.length;
  const [coarseHeight, coarseWidth] = resolutions[layerCount] as [number, number];

  let index = 0;
  // He-normal initialisation, seeded per variable (index in creation order) so a model is a pure function of its
  // config; the learned head is created last so that 'constant' and 'learned' share every other initial weight.
  // A variable keeps its own reference to the initial values: free the initial tensor, or it outlives dispose().
  const variableFrom = (initial: tf.Tensor, trainable: boolean, label: string) => {
    const variable = tf.variable(initial, trainable, `${name}/${label}`);
    initial.dispose();
    return variable;
  };
  const weight = (label: string, shape: number[], fanIn: number) =>
    variableFrom(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed * 1000 + (index += 1)), true, label);
  const bias = (label: string, size: number) => variableFrom(tf.zeros([size]), true, label);

  const encoderLayers = encoderFilters.map((filters, layer) => {
    const inputChannels = layer === 0 ? channels : (encoderFilters[layer - 1] as number);
    return {
      kernel: weight(`encoder/conv${layer + 1}/kernel`, [kernelSize, kernelSize, inputChannels, filters], kernelSize * kernelSize * inputChannels),
      bias: bias(`encoder/conv${layer + 1}/bias`, filters),
    };
  });
  const flatSize = coarseHeight * coarseWidth * (encoderFilters[layerCount - 1] as number);
  const meanHead = { kernel: weight('encoder/mean/kernel', [flatSize, latentSize], flatSize), bias: bias('encoder/mean/bias', latentSize) };
  const gridChannels = decoderFilters[0] as number;
  const decoderDense = {
    kernel: weight('decoder/dense/kernel', [latentSize, coarseHeight * coarseWidth * gridChannels], latentSize),
    bias: bias('decoder/dense/bias', coarseHeight * coarseWidth * gridChannels),
  };
  // Transposed convolution k maps resolution n-k+1 to n-k; the last one goes to the data channels.
  const decoderLayers = Array.from({ length: layerCount }, (_, layer) => {
    const inputChannels = decoderFilters[layer] as number;
    const outputChannels = layer === layerCount - 1 ? channels : (decoderFilters[layer + 1] as number);
    // A stride-2 transposed conv sums about k^2 / 4 inputs per output.
    const fanIn = Math.max(1, (kernelSize * kernelSize * inputChannels) / 4);
    return {
      kernel: weight(`decoder/deconv${layer + 1}/kernel`, [kernelSize, kernelSize, outputChannels, inputChannels], fanIn),
      bias: bias(`decoder/deconv${layer + 1}/bias`, outputChannels),
      outputSize: resolutions[layerCount - 1 - layer] as [number, number],
      outputChannels,
    };
  });
  const scaleHead =
    posterior === 'learned'
      ? { kernel: weight('encoder/scale/kernel', [flatSize, latentSize], flatSize), bias: bias('encoder/scale/bias', latentSize) }
      : undefined;
  const priorVariance = variableFrom(tf.ones([latentSize]), false, 'prior/variance');

  const trainableVariables = [
    ...encoderLayers.flatMap((layer) => [layer.kernel, layer.bias]),
    meanHead.kernel,
    meanHead.bias,
    decoderDense.kernel,
    decoderDense.bias,
    ...decoderLayers.flatMap((layer) => [layer.kernel, layer.bias]),
    ...(scaleHead ? [scaleHead.kernel, scaleHead.bias] : []),
  ];

  const activate = config.activation === 'relu' ? (x: tf.Tensor) => tf.relu(x) : (x: tf.Tensor) => tf.leakyRelu(x, 0.2);
  const scaleOffset = inverseSoftplus(posteriorScale);
  // Floor of the learned std, relative to s: softplus underflows to 0 for very negative inputs (log 0 in the KL).
  const scaleFloor = 1e-4 * posteriorScale;

  const checkInputs = (inputs: tf.Tensor, where: string) => {
    if (inputs.rank !== 4 || inputs.shape[1] !== height || inputs.shape[2] !== width || inputs.shape[3] !== channels) {
      throw new InvalidArgumentError(`${bilboVaeModelId} ${where}`, `must have shape [batch, ${height}, ${width}, ${channels}] (config.dataShape), got [${inputs.shape}]`);
    }
  };

  const encode = (inputs: tf.Tensor) =>
    tf.tidy(() => {
      checkInputs(inputs, 'inputs');
      const batchSize = inputs.shape[0] as number;
      let hidden = (dataScale === 1 ? inputs : tf.div(inputs, dataScale)) as tf.Tensor4D;
      for (const layer of encoderLayers) {
        hidden = activate(tf.add(tf.conv2d(hidden, layer.kernel as tf.Tensor4D, 2, 'same'), layer.bias)) as tf.Tensor4D;
      }
      const flat = tf.reshape(hidden, [batchSize, flatSize]) as tf.Tensor2D;
      const mean = tf.add(tf.matMul(flat, meanHead.kernel as tf.Tensor2D), meanHead.bias) as tf.Tensor2D;
      if (scaleHead === undefined) return { mean };
      const preActivation = tf.add(tf.add(tf.matMul(flat, scaleHead.kernel as tf.Tensor2D), scaleHead.bias), scaleOffset);
      return { mean, scale: tf.add(tf.softplus(preActivation), scaleFloor) as tf.Tensor2D };
    });

  const decode = (latent: tf.Tensor2D) =>
    tf.tidy(() => {
      if (latent.rank !== 2 || latent.shape[1] !== latentSize) {
        throw new InvalidArgumentError(`${bilboVaeModelId} latent`, `must have shape [batch, ${latentSize}], got [${latent.shape}]`);
      }
      const batchSize = latent.shape[0];
      const dense = activate(tf.add(tf.matMul(latent, decoderDense.kernel as tf.Tensor2D), decoderDense.bias));
      let hidden = tf.reshape(dense, [batchSize, coarseHeight, coarseWidth, gridChannels]) as tf.Tensor4D;
      decoderLayers.forEach((layer, position) => {
        const [outputHeight, outputWidth] = layer.outputSize;
        const transposed = tf.add(
          tf.conv2dTranspose(hidden, layer.kernel as tf.Tensor4D, [batchSize, outputHeight, outputWidth, layer.outputChannels], 2, 'same'),
          layer.bias,
        );
        hidden = (position === layerCount - 1 ? transposed : activate(transposed)) as tf.Tensor4D;
      });
      const mean = tf.sigmoid(hidden);
      return (dataScale === 1 ? mean : tf.mul(mean, dataScale)) as tf.Tensor4D;
    });

  const samplePrior = ({ count, seed: drawSeed }: { readonly count: number; readonly seed: number }) => {
    if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`${bilboVaeModelId} sample count`, `must be an integer >= 1, got ${count}`);
    return tf.tidy(() => tf.mul(tf.randomNormal([count, latentSize], 0, 1, 'float32', tfjsSeed(drawSeed)), tf.sqrt(priorVariance)) as tf.Tensor2D);
  };

  const model: BilboVaeModel = {
    specificationVersion: 'v1',
    id: bilboVaeModelId,
    trainableVariables,
    nonTrainableVariables: [priorVariance],
    posterior,
    posteriorScale,
    latentSize,
    priorVariance,
    encode,
    decode,
    samplePrior,
    forward(batch: BatchV1, { seed: drawSeed, training }) {
      return tf.tidy(() => {
        const { mean, scale } = encode(batch.inputs);
        const std = scale ?? posteriorScale;
        // Reparametrisation z = mu + sigma eps (sigma = s for the constant posterior); the mean at evaluation.
        const latent = training
          ? (tf.add(mean, tf.mul(std, tf.randomNormal(mean.shape, 0, 1, 'float32', tfjsSeed(drawSeed)))) as tf.Tensor2D)
          : (tf.clone(mean) as tf.Tensor2D);
        const kl = gaussianKlToZeroMeanPrior(mean, std, priorVariance as tf.Tensor1D);
        const extras: Record<string, tf.Tensor> = { posteriorMean: mean };
        if (scale !== undefined) extras.posteriorScale = scale;
        return { reconstruction: decode(latent), kl, latent, extras };
      });
    },
    sample({ count, seed: drawSeed, context }) {
      if (context !== undefined) {
        throw new InvalidArgumentError(`${bilboVaeModelId} sample context`, 'this model is unconditional; pass no context');
      }
      return tf.tidy(() => decode(samplePrior({ count, seed: drawSeed })));
    },
    getPriorVariance: () => Array.from(priorVariance.dataSync()),
    setPriorVariance(values) {
      if (values.length !== latentSize || !values.every((value) => Number.isFinite(value) && value > 0)) {
        throw new InvalidArgumentError(
          `${bilboVaeModelId} prior variance`,
          `must be ${latentSize} finite numbers > 0, got [${values.slice(0, 8).join(', ')}${values.length > 8 ? ', ...' : ''}] (${values.length} values)`,
        );
      }
      tf.tidy(() => priorVariance.assign(tf.tensor1d(Array.from(values), 'float32')));
    },
    getConfig: () => structuredClone(config),
    dispose() {
      for (const variable of [...trainableVariables, priorVariance]) variable.dispose();
    },
  };
  return model;
}

export const bilboVaePlugin = defineModelPlugin({
  id: bilboVaeModelId,
  configSchema: bilboVaeConfigSchema,
  create: (config) => createBilboVaeModel(config),
});
