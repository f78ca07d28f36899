import { z } from 'zod';

export const vaeNvpPresetNames = ['small', 'faithful'] as const;
export type VaeNvpPresetName = (typeof vaeNvpPresetNames)[number];

const positiveInteger = z.number().int().positive();
const channelList = z.array(positiveInteger).min(1);

/**
 * What a preset fills in. `decoderChannels` of the faithful preset depends on the data shape (as many stride-2
 * upsamplings, up to 3, as the height and width allow), so presets are functions of it.
 */
export interface VaeNvpArchitecture {
  /** d: size of the latent z (and of the base Gaussian). */
  readonly latentSize: number;
  /** Output channels of the encoder's stride-2 convolutions (ReLU), one entry per convolution. */
  readonly encoderChannels: readonly number[];
  /** Square kernel of every encoder convolution and decoder transposed convolution. */
  readonly kernelSize: number;
  /** d_h: size of the context h(x) (dense + ReLU after the convolutions) that conditions the base and the flow. */
  readonly contextSize: number;
  /** K: number of conditional affine coupling layers (alternating parity masks). */
  readonly couplingLayers: number;
  /** Hidden sizes of each coupling layer's conditioner MLP (ReLU). */
  readonly conditionerHiddenSizes: readonly number[];
  /** c in s = c tanh(s_raw / c): bound on each coupling log-scale, so exp(s) stays in [e^-c, e^c]. */
  readonly scaleBound: number;
  /** Half-width of the uniform initialisation of each conditioner's last layer (0: exactly zero, identity flow). */
  readonly couplingInitScale: number;
  /**
   * Decoder: dense z -> grid [H / 2^n, W / 2^n, decoderChannels[0]] (ReLU), then n - 1 transposed convolutions of
   * stride 2 to decoderChannels[1..] (ReLU), then one to the data channels (sigmoid); n = decoderChannels.length.
   */
  readonly decoderChannels: readonly number[];
}

function largestUpsampling(dataShape: readonly number[], most: number): number {
  let count = 0;
  while (count < most && dataShape.slice(0, 2).every((size) => size % 2 ** (count + 1) === 0)) count += 1;
  return count;
}

/**
 * small: CPU, MNIST, minutes. faithful: sized from the flow recipes of the README's Sources, with a DCGAN-style
 * decoder (5x5 kernels, channels halving towards the image); the paper's own sizes could not be verified.
 */
export const vaeNvpPresets: Record<VaeNvpPresetName, (dataShape: readonly number[]) => VaeNvpArchitecture> = {
  small: () => ({
    latentSize: 16,
    encoderChannels: [32, 64],
    kernelSize: 4,
    contextSize: 256,
    couplingLayers: 4,
    conditionerHiddenSizes: [128, 128],
    scaleBound: 2,
    couplingInitScale: 1e-3,
    decoderChannels: [64, 32],
  }),
  faithful: (dataShape) => {
    const upsamplings = Math.max(1, largestUpsampling(dataShape, 3));
    return {
      latentSize: 32,
      encoderChannels: [64, 128, 256],
      kernelSize: 5,
      contextSize: 512,
      couplingLayers: 8,
      conditionerHiddenSizes: [512, 512],
      scaleBound: 2,
      couplingInitScale: 1e-3,
      decoderChannels: Array.from({ length: upsamplings }, (_, index) => 64 * 2 ** (upsamplings - 1 - index)),
    };
  },
};

/**
 * Config of the VAE+NVP model. Every architecture field is optional and filled from `preset`; a field given
 * explicitly overrides the preset. The parsed (output) config has every field, so it recreates the model exactly.
 */
export const vaeNvpConfigSchema = z
  .strictObject({
    /** Which configuration fills the fields left out: 'small' (CPU, minutes) or 'faithful'. */
    preset: z.enum(vaeNvpPresetNames).default('small'),
    /** Prefix of every variable name; two live models need different names (tfjs variable names are global). */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "_", "." or "-", starting with a letter or digit')
      .default('vae-nvp'),
    /** Seed of the initialisation: a model is a pure function of its config. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** [height, width, channels] of one example; inputs are expected in [0, 1]. */
    dataShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]).default([28, 28, 1]),
    latentSize: z.number().int().min(2, 'must be >= 2: a coupling layer needs a coordinate to condition on and one to transform').optional(),
    encoderChannels: channelList.optional(),
    kernelSize: z.number().int().min(2).max(9).optional(),
    contextSize: positiveInteger.optional(),
    couplingLayers: z
      .number()
      .int()
      .min(4, 'must be >= 4 so that every coordinate is transformed at least twice (each coupling transforms half of them)')
      .optional(),
    conditionerHiddenSizes: channelList.optional(),
    scaleBound: z.number().positive().max(10).optional(),
    couplingInitScale: z.number().min(0).max(1).optional(),
    decoderChannels: channelList.optional(),
  })
  .transform((config, context) => {
    const preset = vaeNvpPresets[config.preset](config.dataShape);
    const resolved = {
      preset: config.preset,
      name: config.name,
      seed: config.seed,
      dataShape: [...config.dataShape] as [number, number, number],
      latentSize: config.latentSize ?? preset.latentSize,
      encoderChannels: [...(config.encoderChannels ?? preset.encoderChannels)],
      kernelSize: config.kernelSize ?? preset.kernelSize,
      contextSize: config.contextSize ?? preset.contextSize,
      couplingLayers: config.couplingLayers ?? preset.couplingLayers,
      conditionerHiddenSizes: [...(config.conditionerHiddenSizes ?? preset.conditionerHiddenSizes)],
      scaleBound: config.scaleBound ?? preset.scaleBound,
      couplingInitScale: config.couplingInitScale ?? preset.couplingInitScale,
      decoderChannels: [...(config.decoderChannels ?? preset.decoderChannels)],
    };
    const upsampling = 2 ** resolved.decoderChannels.length;
    const [height, width] = resolved.dataShape;
    if (height % upsampling !== 0 || width % upsampling !== 0) {
      const most = largestUpsampling(resolved.dataShape, 16);
      context.issues.push({
        code: 'custom',
        input: config,
        path: ['decoderChannels'],
        message:
          `${resolved.decoderChannels.length} stride-2 upsamplings need the data height and width (${height}x${width}) to be ` +
          (most > 0
            ? `multiples of ${upsampling}; give at most ${most} decoderChannels for this dataShape`
            : `multiples of ${upsampling}; this dataShape has an odd height or width, which the stride-2 decoder cannot produce`),
      });
      return z.NEVER;
    }
    return resolved;
  });

/** The config as written by a user or read from JSON: everything optional. */
export type VaeNvpConfigInput = z.input<typeof vaeNvpConfigSchema>;
/** The resolved config: every field present (what `getConfig()` returns). */
export type VaeNvpConfig = z.output<typeof vaeNvpConfigSchema>;
