import { z } from 'zod';
import { type ConvDrawArchitecture, convDrawPresets } from './convdraw-presets.js';

const positiveInteger = z.number().int().positive();

/** What the model is conditioned on (BatchV1.context): nothing, a vector per example, or an image per example. */
export const convDrawContextSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({
      kind: z.literal('vector'),
      /** Shape `[K]`, e.g. a one-hot class. Tiled over the state grid and fed to both cores at every step. */
      shape: z.tuple([positiveInteger]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('image'),
      /** [H, W, C] of the context image (e.g. an MNIST-sum context); need not match the data shape. */
      shape: z.tuple([positiveInteger, positiveInteger, positiveInteger]),
      /** Channels R of the context embedding that enters both cores. */
      channels: positiveInteger.max(1024).default(16),
      /**
       * 'spatial': a conv encoder brings the image to the state grid [Hs, Ws, R] (needs a context image that the
       * state stride maps onto the state grid). 'pooled': the encoding is averaged over space and tiled (GQN's
       * "Pool" representation), for any context size. 'auto' resolves to 'spatial' when it fits, else 'pooled'.
       */
      embedding: z.enum(['auto', 'spatial', 'pooled']).default('auto'),
    })
    .strict(),
]);

/** Where the T writes accumulate. */
export const convDrawCanvasSchema = z.discriminatedUnion('kind', [
  /** ConvDRAW (variant A): the canvas holds the output logits at data resolution; subpixel write; error image read. */
  z.object({ kind: z.literal('pixel') }).strict(),
  /**
   * GQN (variant B): a feature canvas u [H, W, channels]; the inference core reads u, the generator core does
   * not; the output is a 1x1 conv of u.
   */
  z.object({ kind: z.literal('hidden'), channels: positiveInteger.max(1024).default(16) }).strict(),
]);

/**
 * Config of a ConvDRAW model. `preset` fills every architecture field that is not given explicitly; the parsed
 * (resolved) config lists every field, so `plugin.create(model.getConfig())` recreates the model exactly.
 */
export const convDrawConfigSchema = z
  .object({
    /** 'small' trains in minutes on 2 CPU cores; 'faithful' follows the 28x28 references (README, Sources). */
    preset: z.enum(['small', 'faithful']).default('small'),
    /** Prefix of every variable name. tfjs variable names are global: two live models need different names. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'letters, digits, _ . - and / between segments')
      .default('convdraw'),
    /** Seed of the weight initialisation: a model is a pure function of its config. */
    seed: z.number().int().min(0).max(2_147_483_647).default(0),
    /** [H, W, C] of one example; H and W must be multiples of stateStride. */
    dataShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]).default([28, 28, 1]),
    context: convDrawContextSchema.default({ kind: 'none' }),
    canvas: convDrawCanvasSchema.default({ kind: 'pixel' }),
    /** Map from the final canvas to the data-space mean: sigmoid for data in [0, 1] (Bernoulli logits), or linear. */
    outputActivation: z.enum(['sigmoid', 'linear']).default('sigmoid'),
    /** T, the number of DRAW steps. */
    steps: positiveInteger.max(256).optional(),
    /** s: the state grid is [H/s, W/s]; the write goes back up by s with a subpixel (depth-to-space) write. */
    stateStride: positiveInteger.max(16).optional(),
    /** Hc: channels of the encoder and decoder ConvLSTM states. */
    hiddenChannels: positiveInteger.max(1024).optional(),
    /** C_z: latent channels per step on the state grid ([Hs, Ws, C_z] latent dimensions per step). */
    latentChannels: positiveInteger.max(256).optional(),
    /** Channels of the read convs (data, error image, canvas) at state resolution. */
    readChannels: positiveInteger.max(1024).optional(),
    /** Kernel of the read convs (stride s, 'same' padding). */
    readKernelSize: positiveInteger.max(15).optional(),
    /** Kernel of the ConvLSTM gate convs and of the prior and posterior heads (odd). */
    kernelSize: positiveInteger.max(15).optional(),
    /** Added to the forget-gate pre-activation (1 in the references: remember by default). */
    forgetBias: z.number().finite().optional(),
  })
  .strict()
  .transform((input, context): ConvDrawConfig => {
    const architecture: ConvDrawArchitecture = { ...convDrawPresets[input.preset] };
    for (const key of Object.keys(architecture) as (keyof ConvDrawArchitecture)[]) {
      const override = input[key];
      if (override !== undefined) architecture[key] = override;
    }
    const issue = (path: PropertyKey[], message: string) => context.issues.push({ code: 'custom', message, path, input });
    const [height, width] = input.dataShape;
    const stride = architecture.stateStride;
    if (height % stride !== 0 || width % stride !== 0) {
      issue(['stateStride'], `must divide the data height and width [${height}, ${width}] (the subpixel write goes back up by exactly stateStride), got ${stride}`);
    }
    if (architecture.kernelSize % 2 !== 1) issue(['kernelSize'], `must be odd (centred 'same' convs), got ${architecture.kernelSize}`);
    let contextConfig: ConvDrawContext = input.context.kind === 'image' ? { ...input.context, embedding: 'pooled' } : input.context;
    if (input.context.kind === 'image') {
      const encoded = contextEncoderOutputSize(input.context.shape, stride);
      const fits = encoded[0] === height / stride && encoded[1] === width / stride;
      let embedding = input.context.embedding;
      if (embedding === 'auto') embedding = fits ? 'spatial' : 'pooled';
      if (embedding === 'spatial' && !fits) {
        issue(
          ['context', 'embedding'],
          `'spatial' needs the context image [${input.context.shape}] to encode onto the state grid [${height / stride}, ${width / stride}] (it encodes to [${encoded}]); use 'pooled' or 'auto'`,
        );
      }
      contextConfig = { ...input.context, embedding };
    }
    if (context.issues.length > 0) return z.NEVER;
    return {
      preset: input.preset,
      name: input.name,
      seed: input.seed,
      dataShape: input.dataShape,
      context: contextConfig,
      canvas: input.canvas,
      outputActivation: input.outputActivation,
      ...architecture,
    };
  });

/** The resolved context: an image context's embedding is 'spatial' or 'pooled' ('auto' resolved). */
export type ConvDrawContext =
  | { kind: 'none' }
  | { kind: 'vector'; shape: [number] }
  | { kind: 'image'; shape: [number, number, number]; channels: number; embedding: 'spatial' | 'pooled' };

/** The resolved config: every field present (what getConfig() returns). */
export interface ConvDrawConfig extends ConvDrawArchitecture {
  preset: 'small' | 'faithful';
  name: string;
  seed: number;
  dataShape: [number, number, number];
  context: ConvDrawContext;
  canvas: { kind: 'pixel' } | { kind: 'hidden'; channels: number };
  outputActivation: 'sigmoid' | 'linear';
}
/** What a user may pass: every field optional. */
export type ConvDrawConfigInput = z.input<typeof convDrawConfigSchema>;

/**
 * Strides of the context image encoder for state stride s: 3x3 stride-2 convs while the remaining factor is even,
 * then one conv with the remaining odd factor; a single stride-1 conv when s = 1.
 */
export function contextEncoderStrides(stateStride: number): number[] {
  const strides: number[] = [];
  let remaining = stateStride;
  while (remaining % 2 === 0) {
    strides.push(2);
    remaining /= 2;
  }
  if (remaining > 1 || strides.length === 0) strides.push(remaining);
  return strides;
}

/** Spatial size of the context encoding ('same' padding: ceil division per conv). */
export function contextEncoderOutputSize(shape: readonly [number, number, number], stateStride: number): [number, number] {
  let [height, width] = shape;
  for (const stride of contextEncoderStrides(stateStride)) {
    height = Math.ceil(height / stride);
    width = Math.ceil(width / stride);
  }
  return [height, width];
}
