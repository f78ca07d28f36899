import * as tf from '@tensorflow/tfjs-core';
import {
  type BatchV1,
  defineModelPlugin,
  InvalidArgumentError,
  type ModelForwardOptionsV1,
  type ModelOutputV1,
  type ModelSampleOptionsV1,
  type ModelV1,
  parsePluginConfig,
  stepSeed,
} from '@tame/core';
import { createContextEmbedding } from './context-embedding.js';
import { type ConvDrawConfig, type ConvDrawConfigInput, convDrawConfigSchema } from './convdraw-config.js';
import { type ConvLstmState, convLstmUpdate, gateConvolution } from './conv-lstm.js';
import { depthToSpace } from './depth-to-space.js';
import {
  type DiagonalGaussian,
  diagonalGaussianFromStatistics,
  diagonalGaussianKl,
  sampleDiagonalGaussian,
  sumPerExample,
  unitScaleBias,
} from './diagonal-gaussian.js';
import { createVariableFactory } from './variable-factory.js';

export const convDrawModelId = '@tame/convdraw';

/** A ConvDRAW instance: a ModelV1 plus its resolved config and latent sizes. */
export interface ConvDrawModel extends ModelV1 {
  readonly config: ConvDrawConfig;
  /** Latent dimensions of one step, Hs * Ws * C_z; `latent` has steps times as many columns. */
  readonly latentSizePerStep: number;
}

interface Conv {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/**
 * ConvDRAW (Gregor et al. 2016) with a learned prior, and its conditional form (GQN, Eslami et al. 2018).
 * Per step t = 1..T, with state grid [Hs, Ws] = [H/s, W/s]:
 *   p_t = N(prior(h^d_{t-1}))                                 (step 4: prior from the decoder state before the update)
 *   pixel canvas:  e_t = x - mean(r_{t-1})                    (step 1: error image)
 *   (h^e, c^e)_t = LSTM_e([read(x), read(e_t), h^d_{t-1}, ctx], (h^e, c^e)_{t-1})   (step 2)
 *   q_t = N(posterior(h^e_t)), z_t = mu + sigma * eps          (step 3)
 *   KL_t = KL(q_t || p_t), analytic, summed over [Hs, Ws, C_z] (Eq. 10)
 *   (h^d, c^d)_t = LSTM_d([z_t, read(mean(r_{t-1})), ctx], (h^d, c^d)_{t-1})          (step 5)
 *   r_t = r_{t-1} + depthToSpace(conv1x1(h^d_t), s)           (step 6: additive subpixel write)
 * The hidden canvas (GQN) replaces e_t by read(u_{t-1}) in the encoder, drops the canvas from the decoder input
 * and maps u_T to logits with a 1x1 conv. Output mean = sigmoid(logits) (or the logits when outputActivation is
 * 'linear'). Sampling runs the prior and the decoder only.
 */
export function createConvDrawModel(configInput: ConvDrawConfigInput = {}): ConvDrawModel {
  const config = parsePluginConfig({ id: convDrawModelId, configSchema: convDrawConfigSchema }, configInput) as ConvDrawConfig;
  const { name, dataShape, steps, stateStride, hiddenChannels, latentChannels, readChannels, readKernelSize, kernelSize, forgetBias } = config;
  const [height, width, dataChannels] = dataShape;
  const stateHeight = height / stateStride;
  const stateWidth = width / stateStride;
  const pixelCanvas = config.canvas.kind === 'pixel';
  const canvasChannels = config.canvas.kind === 'pixel' ? dataChannels : config.canvas.channels;
  const gateChannels = 4 * hiddenChannels;
  const label = `model '${name}' (${convDrawModelId})`;

  const factory = createVariableFactory(name, config.seed);
  const conv = (prefix: string, shape: [number, number, number, number], biasValues?: readonly number[]): Conv => ({
    kernel: factory.kernel(`${prefix}/kernel`, shape),
    bias: factory.bias(`${prefix}/bias`, shape[3], biasValues),
  });
  const contextEmbedding = createContextEmbedding(config.context, stateStride, factory);
  const contextChannels = contextEmbedding?.channels ?? 0;
  // Gate convs on the concatenation of their inputs are split by how often the input changes: the static part
  // (data read, context) is convolved once per forward pass, the recurrent part at every step. The sum equals one
  // conv over the full concatenation.
  const layers = {
    readInput: conv('encoder/read-input', [readKernelSize, readKernelSize, dataChannels, readChannels]),
    // Pixel canvas: reads the error image x - mean(r). Hidden canvas: reads the feature canvas u.
    readEncoderCanvas: conv(pixelCanvas ? 'encoder/read-error' : 'encoder/read-canvas', [readKernelSize, readKernelSize, canvasChannels, readChannels]),
    readDecoderCanvas: pixelCanvas ? conv('decoder/read-canvas', [readKernelSize, readKernelSize, dataChannels, readChannels]) : undefined,
    encoderStatic: factory.kernel('encoder/gates/static/kernel', [kernelSize, kernelSize, readChannels + contextChannels, gateChannels]),
    encoderRecurrent: factory.kernel('encoder/gates/recurrent/kernel', [kernelSize, kernelSize, readChannels + 2 * hiddenChannels, gateChannels]),
    encoderBias: factory.bias('encoder/gates/bias', gateChannels),
    decoderStatic: contextEmbedding ? factory.kernel('decoder/gates/static/kernel', [kernelSize, kernelSize, contextChannels, gateChannels]) : undefined,
    decoderRecurrent: factory.kernel('decoder/gates/recurrent/kernel', [
      kernelSize,
      kernelSize,
      latentChannels + (pixelCanvas ? readChannels : 0) + hiddenChannels,
      gateChannels,
    ]),
    decoderBias: factory.bias('decoder/gates/bias', gateChannels),
    // [mean | raw scale]: the raw-scale bias starts every scale at 1.
    posterior: conv('posterior', [kernelSize, kernelSize, hiddenChannels, 2 * latentChannels], headBias(latentChannels)),
    prior: conv('prior', [kernelSize, kernelSize, hiddenChannels, 2 * latentChannels], headBias(latentChannels)),
    write: conv('decoder/write', [1, 1, hiddenChannels, canvasChannels * stateStride * stateStride]),
    output: pixelCanvas ? undefined : conv('output', [1, 1, canvasChannels, dataChannels]),
  };
  const trainableVariables = [...factory.variables];
  const latentSizePerStep = stateHeight * stateWidth * latentChannels;
  let disposed = false;

  const applyConv = (input: tf.Tensor4D, layer: Conv, stride = 1) =>
    tf.add(tf.conv2d(input, layer.kernel as tf.Tensor4D, stride, 'same'), layer.bias) as tf.Tensor4D;
  const toMean = (logits: tf.Tensor4D) => (config.outputActivation === 'sigmoid' ? tf.sigmoid(logits) : logits) as tf.Tensor4D;
  const head = (hidden: tf.Tensor4D, layer: Conv): DiagonalGaussian => diagonalGaussianFromStatistics(applyConv(hidden, layer));

  /** Unrolls T steps. With `inputs`: inference (posterior, KL); without: generation from the prior. */
  function unroll(batchSize: number, inputs: tf.Tensor4D | undefined, context: tf.Tensor | undefined, seed: number, useMean: boolean) {
    const zeros = (channels: number) => tf.zeros([batchSize, stateHeight, stateWidth, channels]) as tf.Tensor4D;
    let encoder: ConvLstmState = { hidden: zeros(hiddenChannels), cell: zeros(hiddenChannels) };
    let decoder: ConvLstmState = { hidden: zeros(hiddenChannels), cell: zeros(hiddenChannels) };
    let canvas = tf.zeros([batchSize, height, width, canvasChannels]) as tf.Tensor4D;
    const contextMap = contextEmbedding && context ? contextEmbedding.embed(context, stateHeight, stateWidth) : undefined;
    const decoderStatic =
      contextMap && layers.decoderStatic
        ? tf.add(tf.conv2d(contextMap, layers.decoderStatic as tf.Tensor4D, 1, 'same'), layers.decoderBias)
        : layers.decoderBias;
    const encoderStatic = inputs
      ? tf.add(
          tf.conv2d(
            contextMap ? tf.concat([applyConv(inputs, layers.readInput, stateStride), contextMap], 3) : applyConv(inputs, layers.readInput, stateStride),
            layers.encoderStatic as tf.Tensor4D,
            1,
            'same',
          ),
          layers.encoderBias,
        )
      : undefined;
    const latents: tf.Tensor[] = [];
    const klPerStep: tf.Tensor1D[] = [];
    const posteriors: DiagonalGaussian[] = [];
    const priors: DiagonalGaussian[] = [];
    for (let step = 0; step < steps; step += 1) {
      const noiseSeed = stepSeed(seed, step);
      const prior = head(decoder.hidden, layers.prior);
      // Pixel canvas: mean(r_{t-1}) feeds both the error image and the decoder's read.
      const canvasMean = pixelCanvas ? toMean(canvas) : undefined;
      let latent: tf.Tensor;
      if (inputs && encoderStatic) {
        const encoderCanvas = canvasMean ? tf.sub(inputs, canvasMean) : canvas;
        // Recurrent inputs last, so that at t = 1 (h_0 = 0) gateConvolution can leave them out.
        const encoderRead = applyConv(encoderCanvas as tf.Tensor4D, layers.readEncoderCanvas, stateStride);
        const encoderParts = step === 0 ? [encoderRead] : [encoderRead, decoder.hidden, encoder.hidden];
        encoder = convLstmUpdate(tf.add(encoderStatic, gateConvolution(encoderParts, layers.encoderRecurrent as tf.Tensor4D)) as tf.Tensor4D, encoder.cell, forgetBias);
        const posterior = head(encoder.hidden, layers.posterior);
        latent = useMean ? posterior.mean : sampleDiagonalGaussian(posterior, noiseSeed);
        klPerStep.push(sumPerExample(diagonalGaussianKl(posterior, prior))); // Eq. 10, one step
        posteriors.push(posterior);
        priors.push(prior);
      } else {
        latent = sampleDiagonalGaussian(prior, noiseSeed);
      }
      latents.push(tf.reshape(latent, [batchSize, latentSizePerStep]));
      const decoderParts = [
        latent as tf.Tensor4D,
        ...(layers.readDecoderCanvas && canvasMean ? [applyConv(canvasMean, layers.readDecoderCanvas, stateStride)] : []),
        ...(step === 0 ? [] : [decoder.hidden]),
      ];
      const decoderGates = tf.add(decoderStatic, gateConvolution(decoderParts, layers.decoderRecurrent as tf.Tensor4D));
      decoder = convLstmUpdate(decoderGates as tf.Tensor4D, decoder.cell, forgetBias);
      canvas = tf.add(canvas, depthToSpace(applyConv(decoder.hidden, layers.write), stateStride)) as tf.Tensor4D;
    }
    const logits = layers.output ? applyConv(canvas, layers.output) : canvas;
    return { logits, latents, klPerStep, posteriors, priors };
  }

  function checkContext(context: tf.Tensor | undefined, batchSize: number, what: string): tf.Tensor | undefined {
    if (config.context.kind === 'none') return undefined;
    const expected = [batchSize, ...config.context.shape];
    if (context === undefined) {
      throw new InvalidArgumentError(what, `${label} is conditioned on a ${config.context.kind} context; pass a context of shape [${expected}]`);
    }
    if (context.shape.join(',') !== expected.join(',')) {
      throw new InvalidArgumentError(what, `${label} expects a ${config.context.kind} context of shape [${expected}], got [${context.shape}]`);
    }
    return context;
  }

  function checkAlive(): void {
    if (disposed) throw new InvalidArgumentError('model', `${label} was disposed`);
  }

  return {
    specificationVersion: 'v1',
    id: convDrawModelId,
    config,
    latentSizePerStep,
    trainableVariables,
    forward(batch: BatchV1, options: ModelForwardOptionsV1): ModelOutputV1 {
      checkAlive();
      const inputs = batch.inputs;
      const expected = [inputs.shape[0], ...dataShape];
      if (inputs.rank !== 4 || inputs.shape.join(',') !== expected.join(',')) {
        throw new InvalidArgumentError('batch.inputs', `${label} expects [batch, ${dataShape}], got [${inputs.shape}]`);
      }
      const batchSize = inputs.shape[0] as number;
      // An unconditional model ignores a batch's context (it models x alone, e.g. on a conditional dataset).
      const context = checkContext(batch.context, batchSize, 'batch.context');
      return tf.tidy(() => {
        const { logits, latents, klPerStep, posteriors, priors } = unroll(batchSize, inputs as tf.Tensor4D, context, options.seed, !options.training);
        const klSteps = tf.stack(klPerStep, 1) as tf.Tensor2D;
        // [B, T, Hs, Ws, C_z]: the per-step distributions, for analysis (where information goes across steps).
        const perStep = (distributions: DiagonalGaussian[], key: keyof DiagonalGaussian) =>
          tf.stack(distributions.map((distribution) => distribution[key]), 1);
        return {
          reconstruction: toMean(logits),
          kl: tf.sum(klSteps, 1) as tf.Tensor1D,
          klPerStep: klSteps,
          latent: tf.concat(latents, 1) as tf.Tensor2D,
          extras: {
            logits,
            posteriorMean: perStep(posteriors, 'mean'),
            posteriorScale: perStep(posteriors, 'scale'),
            priorMean: perStep(priors, 'mean'),
            priorScale: perStep(priors, 'scale'),
          },
        };
      }) as ModelOutputV1;
    },
    sample(options: ModelSampleOptionsV1): tf.Tensor {
      checkAlive();
      const { count, seed } = options;
      if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('count', `${label}: must be an integer >= 1, got ${count}`);
      if (config.context.kind === 'none' && options.context !== undefined) {
        throw new InvalidArgumentError('context', `${label} is unconditional (config.context.kind 'none'); sample it without a context`);
      }
      const context = checkContext(options.context, count, 'context');
      return tf.tidy(() => toMean(unroll(count, undefined, context, seed, false).logits));
    },
    getConfig: () => structuredClone(config) as unknown as ReturnType<ModelV1['getConfig']>,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const variable of trainableVariables) variable.dispose();
    },
  };
}

/** Head bias [mean (0) x C_z | raw scale x C_z] so that a fresh head outputs N(0, 1). */
function headBias(latentChannels: number): number[] {
  return [...new Array<number>(latentChannels).fill(0), ...new Array<number>(latentChannels).fill(unitScaleBias)];
}

/** The ConvDRAW model plugin (id '@tame/convdraw'). */
export const convDrawPlugin = defineModelPlugin({
  id: convDrawModelId,
  configSchema: convDrawConfigSchema,
  create: (config: ConvDrawConfig) => createConvDrawModel(config),
});
