import { multiplierControllerConfigSchema } from '@tame/core';
import { z } from 'zod';

const pluginReference = z.object({
  /** Short id from the catalog (`tame --help` lists them). */
  id: z.string().min(1),
  /** Plugin config, validated by the plugin's own schema when the experiment is built. */
  config: z.record(z.string(), z.unknown()).default({}),
});

const constraintEntry = z.object({
  id: z.string().min(1),
  /** Threshold in the constraint's documented units (RE: per-pixel RMSE). */
  kappa: z.number().finite(),
  /** Name in metrics and reports; defaults to the id (two constraints of one kind need distinct names). */
  name: z.string().min(1).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});

const objectiveConfig = z.discriminatedUnion('kind', [
  /**
   * Minimise KL subject to the constraints (Algorithm 1). Options left out take tame's defaults (build-experiment.ts);
   * @tame/core's createGecoObjective validates the values.
   */
  z
    .object({
      kind: z.literal('geco'),
      initialMultiplier: z.number().optional(),
      movingAverageDecay: z.number().optional(),
      bounds: z.tuple([z.number(), z.number()]).optional(),
      /**
       * How lambda follows the constraint, e.g. { "kind": "pi", "integralGain": 0.004, "proportionalGain": 1 };
       * kinds and gains: @tame/core's multiplierControllers (algorithm-1, asymmetric, pi, pid, softplus-squared).
       */
      controller: multiplierControllerConfigSchema.optional(),
      /** Overrides each constraint's own violationScale (the error budget the controller's gains are relative to). */
      violationScale: z.number().optional(),
      warmupSteps: z.number().optional(),
      updatePeriod: z.number().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('elbo') }),
  z.object({ kind: z.literal('beta'), beta: z.number().positive().finite() }),
  /** Hand-annealed beta-VAE: beta ramps linearly from `from` to `to` over `steps` (default: the whole run). */
  z.object({ kind: z.literal('beta-anneal'), from: z.number().min(0).finite(), to: z.number().min(0).finite().default(1), steps: z.number().int().positive().optional() }).strict(),
  z.object({ kind: z.literal('bilbo') }),
]);

/**
 * A complete, reproducible description of a training run: `tame train --config file.json` reads it, flags override
 * it, and the fully resolved result is saved as the run's config.json (the backend is not part of it: it is a property
 * of the machine, not of the experiment).
 */
export const experimentConfigSchema = z
  .object({
    model: pluginReference.default({ id: 'conv-vae', config: {} }),
    dataset: z.string().min(1).default('mnist'),
    likelihood: pluginReference.default({ id: 'gaussian', config: {} }),
    objective: objectiveConfig.default({ kind: 'geco' }),
    constraints: z.array(constraintEntry).default([{ id: 're', kappa: 0.1, config: {} }]),
    training: z
      .object({
        steps: z.number().int().positive().default(2500),
        batchSize: z.number().int().positive().default(64),
        /** 2e-3: with 1e-3 the reference model needs ~2,500 steps to reach RMSE 0.1 and GECO ends at kappa; measured in the app README. */
        learningRate: z.number().positive().finite().default(2e-3),
        clipGradientNorm: z.number().positive().default(1000),
        seed: z.number().int().min(0).default(0),
        /** Rows in metrics.jsonl and progress lines; default: about 100 per run. */
        logEvery: z.number().int().positive().optional(),
        checkpointEvery: z.number().int().positive().optional(),
      })
      .strict()
      .default({ steps: 2500, batchSize: 64, learningRate: 2e-3, clipGradientNorm: 1000, seed: 0 }),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.objective.kind === 'geco' && config.constraints.length === 0) {
      context.addIssue({ code: 'custom', path: ['constraints'], message: 'the geco objective needs at least one constraint (e.g. --constraint re:0.1)' });
    }
    const names = config.constraints.map((entry) => entry.name ?? entry.id);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) {
      context.addIssue({ code: 'custom', path: ['constraints'], message: `two constraints are named '${duplicate}'; give one a distinct "name"` });
    }
  });

export type ExperimentConfig = z.output<typeof experimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;

/** Formats zod issues as `path: message` pairs on one line, for usage errors. */
export function describeConfigIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}
