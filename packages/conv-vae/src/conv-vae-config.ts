import { z } from 'zod';
import { type ConvVaeArchitecture, convVaePresetNames, type ConvVaePresetName, convVaePresets } from './conv-vae-presets.js';

const positiveInteger = z.number().int().positive();

/**
 * Config of the conv VAE. `preset` fills the architecture fields left out; the parsed (resolved) config lists every
 * field, so `convVaePlugin.create(model.getConfig())` recreates the model exactly. A config written for the model
 * before it became a package (`{ latentSize, seed, dataShape }`) parses to the same model.
 */
export const convVaeConfigSchema = z
  .strictObject({
    preset: z.enum(convVaePresetNames).default('reference'),
    /**
     * Prefix of every variable name. tfjs variable names are global: two live models need different names. The
     * default is the name the model's variables have always had, so existing checkpoints load.
     */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'letters, digits, _ . - and / between segments')
      .default('reference-conv-vae'),
    /** Seed of the weight initialisation: a model is a pure function of its config. */
    seed: z.number().int().min(0).max(2_147_483_647).default(0),
    /** [height, width, channels] of one example, in [0, 1]; height and width must be multiples of 4. */
    dataShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]).default([28, 28, 1]),
    latentSize: positiveInteger.max(4096).optional(),
    channels: z.tuple([positiveInteger.max(1024), positiveInteger.max(1024)]).optional(),
  })
  .transform((input, context): ConvVaeConfig => {
    const [height, width] = input.dataShape;
    if (height % 4 !== 0 || width % 4 !== 0) {
      context.issues.push({
        code: 'custom',
        input,
        path: ['dataShape'],
        message: `height and width must be multiples of 4 (two stride-2 convolutions down, two stride-2 transposed convolutions up), got [${input.dataShape}]`,
      });
      return z.NEVER;
    }
    const preset: ConvVaeArchitecture = convVaePresets[input.preset];
    return {
      preset: input.preset,
      name: input.name,
      seed: input.seed,
      dataShape: [...input.dataShape],
      latentSize: input.latentSize ?? preset.latentSize,
      channels: [...(input.channels ?? preset.channels)],
    };
  });

/** The resolved config: every field present (what getConfig() returns). */
export interface ConvVaeConfig {
  preset: ConvVaePresetName;
  name: string;
  seed: number;
  dataShape: [number, number, number];
  latentSize: number;
  channels: [number, number];
}
/** What a user may pass: every field optional. */
export type ConvVaeConfigInput = z.input<typeof convVaeConfigSchema>;
