import { z } from 'zod';

const positiveInteger = z.number().int().positive();

/**
 * Config of the BILBO VAE. `preset` picks the architecture defaults; every explicit field overrides them. The
 * parsed (output) config is fully resolved, so `plugin.create(model.getConfig())` recreates a model exactly.
 */
export const bilboVaeConfigSchema = z
  .object({
    /**
     * 'small': the reference conv VAE (2 conv 4x4/2 + relu, dense; dense, 2 deconv 4x4/2), trains in minutes on 2
     * cores. 'faithful': google-research robust_loss/vae.py's network adapted to the data size (5x5/2 convs with
     * leaky relu down to 1x1, base depth 32, latent 16).
     */
    preset: z.enum(['small', 'faithful']).default('small'),
    /** Prefix of every variable name; two live instances need different names (tfjs variable names are global). */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes')
      .default('bilbo-vae'),
    /** Seed of the weight initialisation: a model is a pure function of its config. */
    seed: z.number().int().min(0).default(0),
    /** [height, width, channels] of one example. */
    dataShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]).default([28, 28, 1]),
    /** d, the number of latent dimensions. */
    latentSize: positiveInteger.default(16),
    /**
     * 'constant': the encoder outputs only the means, q(z|x) = N(mu(x), s^2 I) (BILBO's "unit posterior").
     * 'learned': a second encoder head gives per-example standard deviations (the ordinary VAE baseline).
     */
    posterior: z.enum(['constant', 'learned']).default('constant'),
    /**
     * s, a standard deviation (the code's `posterior_variance` flag is passed as `scale_diag`): the constant
     * posterior std, and the initial std of the learned head. s = 1 loses nothing (latent scale is a gauge freedom).
     */
    posteriorScale: z.number().positive().finite().default(1),
    /**
     * Data lie in [0, dataScale]: the encoder sees x / dataScale and the decoder's mean is dataScale * sigmoid(.),
     * so a model for data scaled by a is exactly the model for the unscaled data, scaled (BAGGINS' scale invariance).
     */
    dataScale: z.number().positive().finite().default(1),
    /** Kernel size of every (transposed) convolution; preset default 4 (small) or 5 (faithful). */
    kernelSize: positiveInteger.optional(),
    /** Hidden activation; preset default 'relu' (small) or 'leaky-relu' with slope 0.2 (faithful). */
    activation: z.enum(['relu', 'leaky-relu']).optional(),
    /** Output channels of the encoder's stride-2 convolutions, one entry per layer. */
    encoderFilters: z.array(positiveInteger).min(1).optional(),
    /**
     * Decoder channels, coarsest first, one entry per encoder layer: entry 0 is the dense layer's grid at the
     * encoder's last resolution, entry k the k-th stride-2 transposed convolution; a last transposed convolution
     * then maps to the data channels.
     */
    decoderFilters: z.array(positiveInteger).min(1).optional(),
  })
  .superRefine((value, context) => {
    if (value.encoderFilters !== undefined && value.decoderFilters !== undefined && value.encoderFilters.length !== value.decoderFilters.length) {
      context.addIssue({
        code: 'custom',
        path: ['decoderFilters'],
        message: `must have one entry per encoder layer (${value.encoderFilters.length}), got ${value.decoderFilters.length}`,
      });
    }
    const layers = value.encoderFilters?.length ?? value.decoderFilters?.length;
    const [height, width] = value.dataShape;
    if (value.preset === 'small' && layers === undefined && (height % 4 !== 0 || width % 4 !== 0)) {
      context.addIssue({
        code: 'custom',
        path: ['dataShape'],
        message: `the small preset halves the image twice and needs height and width divisible by 4, got [${value.dataShape}]; pass encoderFilters/decoderFilters or use preset 'faithful'`,
      });
    }
  })
  .transform(resolveBilboVaeConfig);

export type BilboVaeConfigInput = z.input<typeof bilboVaeConfigSchema>;
export type BilboVaeConfig = z.output<typeof bilboVaeConfigSchema>;
export type BilboVaePreset = BilboVaeConfig['preset'];
export type BilboVaePosterior = BilboVaeConfig['posterior'];

interface UnresolvedConfig {
  readonly preset: 'small' | 'faithful';
  readonly name: string;
  readonly seed: number;
  readonly dataShape: [number, number, number];
  readonly latentSize: number;
  readonly posterior: 'constant' | 'learned';
  readonly posteriorScale: number;
  readonly dataScale: number;
  readonly kernelSize?: number | undefined;
  readonly activation?: 'relu' | 'leaky-relu' | undefined;
  readonly encoderFilters?: number[] | undefined;
  readonly decoderFilters?: number[] | undefined;
}

/** Number of stride-2 layers that bring the larger image side down to 1 (28 -> 14 -> 7 -> 4 -> 2 -> 1: 5). */
function layersToOnePixel(height: number, width: number): number {
  let size = Math.max(height, width);
  let layers = 0;
  while (size > 1) {
    size = Math.ceil(size / 2);
    layers += 1;
  }
  return Math.max(layers, 1);
}

function resolveBilboVaeConfig(value: UnresolvedConfig) {
  const [height, width] = value.dataShape;
  const faithful = value.preset === 'faithful';
  const layers = value.encoderFilters?.length ?? value.decoderFilters?.length ?? (faithful ? layersToOnePixel(height, width) : 2);
  const base = 32;
  // robust_loss/vae.py: encoder depths base, base, 2 base, 2 base, 4 base, 4 latent (64x64 input, 6 layers);
  // decoder 4 base, 4 base, 2 base, 2 base, base, base. For fewer layers we keep the last entries of each.
  const faithfulEncoder = (count: number) => {
    const pattern = [base, base, 2 * base, 2 * base, 4 * base];
    const hidden = Array.from({ length: count - 1 }, (_, index) => pattern[Math.min(index, pattern.length - 1)] as number);
    return [...hidden, 4 * value.latentSize];
  };
  const faithfulDecoder = (count: number) => {
    const pattern = [4 * base, 4 * base, 2 * base, 2 * base, base, base];
    return count <= pattern.length ? pattern.slice(pattern.length - count) : [...Array.from({ length: count - pattern.length }, () => 4 * base), ...pattern];
  };
  const smallEncoder = (count: number) => Array.from({ length: count }, (_, index) => 32 * 2 ** Math.min(index, 1));
  const smallDecoder = (count: number) => Array.from({ length: count }, (_, index) => (index === 0 ? 64 : 32));
  return {
    preset: value.preset,
    name: value.name,
    seed: value.seed,
    dataShape: [...value.dataShape] as [number, number, number],
    latentSize: value.latentSize,
    posterior: value.posterior,
    posteriorScale: value.posteriorScale,
    dataScale: value.dataScale,
    kernelSize: value.kernelSize ?? (faithful ? 5 : 4),
    activation: value.activation ?? (faithful ? 'leaky-relu' : 'relu'),
    encoderFilters: value.encoderFilters ?? (faithful ? faithfulEncoder(layers) : smallEncoder(layers)),
    decoderFilters: value.decoderFilters ?? (faithful ? faithfulDecoder(layers) : smallDecoder(layers)),
  };
}

/** Spatial sizes of the encoder's feature maps: [input, after layer 1, ..., after layer n] ('same' padding, stride 2). */
export function encoderResolutions(config: Pick<BilboVaeConfig, 'dataShape' | 'encoderFilters'>): Array<[number, number]> {
  const sizes: Array<[number, number]> = [[config.dataShape[0], config.dataShape[1]]];
  for (let layer = 0; layer < config.encoderFilters.length; layer += 1) {
    const [height, width] = sizes[sizes.length - 1] as [number, number];
    sizes.push([Math.ceil(height / 2), Math.ceil(width / 2)]);
  }
  return sizes;
}
