import { z } from 'zod';
import { clamp, clampLogMultiplier, type MultiplierController, multiplierFromLogState, readNumber } from '../multiplier-controller.js';

export const asymmetricOptionsSchema = z
  .object({
    kind: z.literal('asymmetric'),
    /** Step of log lambda per unit of violation (0.08 matches nu = 1e-2 on 28x28 images at kappa 0.1). */
    gain: z.number().positive().finite().default(0.08),
    /** Largest rise of log lambda in one step (rate limit while the constraint is violated). */
    maxLogStep: z.number().positive().finite().default(0.005),
    /** While the constraint holds, the step and its limit are multiplied by this (GENESIS uses 10). */
    descentSpeedup: z.number().min(1).finite().default(10),
  })
  .strict();
export type AsymmetricOptions = z.output<typeof asymmetricOptionsSchema>;

/**
 * GENESIS's rule on the unit-free violation e: u += clip(gain e, +-maxLogStep), both sped up by descentSpeedup while
 * e < 0. The rate limit slows the wind-up but does not stop it: while kappa is out of reach u still climbs
 * maxLogStep every step, and the fast descent then undershoots (EXPERIMENTS.md section 2b, the Fashion-MNIST
 * trajectory).
 */
export const asymmetricController: MultiplierController<AsymmetricOptions> = {
  kind: 'asymmetric',
  description: 'integral with a rate limit up and a 10x faster descent (GENESIS; tame 0.1 default)',
  optionsSchema: asymmetricOptionsSchema,
  initialState: (initialMultiplier, _options, bounds) => ({ logMultiplier: clampLogMultiplier(Math.log(initialMultiplier), bounds) }),
  multiplier: multiplierFromLogState,
  update(state, { violation, bounds }, options) {
    const speedup = violation < 0 ? options.descentSpeedup : 1;
    const limit = options.maxLogStep * speedup;
    const step = clamp(options.gain * violation * speedup, -limit, limit);
    return { logMultiplier: clampLogMultiplier(readNumber(state, 'logMultiplier') + step, bounds) };
  },
};
