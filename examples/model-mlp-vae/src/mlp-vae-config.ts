import { z } from 'zod';

const positiveInteger = z.number().int().positive();

/**
 * Config of the MLP VAE: JSON in, every field resolved out (defaults applied), so `getConfig()` recreates the model
 * exactly. strictObject: a misspelt field is an error rather than a silently used default.
 */
export const mlpVaeConfigSchema = z.strictObject({
  /** Prefix of every variable name; two live models need different names (tfjs variable names are global). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "_", "." or "-", starting with a letter or digit')
    .default('mlp-vae'),
  /** Seed of the initial weights: a model is a pure function of its config. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Shape of one example, e.g. [28, 28, 1]; inputs are expected in [0, 1] (the decoder ends in a sigmoid). */
  dataShape: z.array(positiveInteger).min(1).default([28, 28, 1]),
  /** Widths of the encoder's hidden ReLU layers, input side first; the decoder mirrors them. */
  hiddenSizes: z.array(positiveInteger).min(1, 'give at least one hidden layer').default([256]),
  /** Size of the latent z; the prior is N(0, I). */
  latentSize: positiveInteger.default(16),
});

/** The config as a user writes it or JSON holds it: every field optional. */
export type MlpVaeConfigInput = z.input<typeof mlpVaeConfigSchema>;
/** The resolved config: every field present (what `getConfig()` returns). */
export type MlpVaeConfig = z.output<typeof mlpVaeConfigSchema>;
