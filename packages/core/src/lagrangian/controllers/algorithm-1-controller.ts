import { z } from 'zod';
import { clampLogMultiplier, type MultiplierController, multiplierFromLogState, readNumber } from '../multiplier-controller.js';

export const algorithm1OptionsSchema = z
  .object({
    kind: z.literal('algorithm-1'),
    /** nu in lambda_t = lambda_{t-1} exp(nu C_ma), on C_ma in the constraint's own units (as the paper writes it). */
    learningRate: z.number().positive().finite().default(1e-2),
  })
  .strict();
export type Algorithm1Options = z.output<typeof algorithm1OptionsSchema>;

/**
 * Taming VAEs, Algorithm 1, exactly: lambda_t = lambda_{t-1} exp(nu C_ma,t), i.e. u = log lambda integrates nu C_ma
 * in the constraint's raw units, kept in log space (same numbers, no overflow) and clamped to explicit bounds. Kept
 * for reproductions: it winds up while kappa is still out of reach (EXPERIMENTS.md section 2b).
 */
export const algorithm1Controller: MultiplierController<Algorithm1Options> = {
  kind: 'algorithm-1',
  description: "the paper's rule: log lambda += nu C_ma in the constraint's units (integral only; winds up)",
  optionsSchema: algorithm1OptionsSchema,
  initialState: (initialMultiplier, _options, bounds) => ({ logMultiplier: clampLogMultiplier(Math.log(initialMultiplier), bounds) }),
  multiplier: multiplierFromLogState,
  update: (state, { constraint, bounds }, options) => ({
    logMultiplier: clampLogMultiplier(readNumber(state, 'logMultiplier') + options.learningRate * constraint, bounds),
  }),
};
