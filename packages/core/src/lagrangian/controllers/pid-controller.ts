import { z } from 'zod';
import { clampLogMultiplier, type MultiplierController, multiplierFromLogState, readNumber, smoothViolation } from '../multiplier-controller.js';

export const pidOptionsSchema = z
  .object({
    kind: z.literal('pid'),
    /** K_I: rise of the integral per step per unit of violation. */
    integralGain: z.number().min(0).finite().default(4e-3),
    /** K_P: log lambda per unit of the smoothed violation's level. */
    proportionalGain: z.number().min(0).finite().default(1),
    /** K_D: log lambda per unit rise of the smoothed violation (only rises count, as in Stooke et al.). */
    derivativeGain: z.number().min(0).finite().default(0),
    /** EMA of the violation for the P and D terms (0.95 in rlpyt's cppo_pid). */
    smoothing: z.number().min(0).lt(1).default(0.95),
    /** Violations are clipped to +-this before use (see the pi controller). */
    violationLimit: z.number().positive().finite().default(1),
  })
  .strict();
export type PidOptions = z.output<typeof pidOptionsSchema>;

/**
 * The positional PID Lagrangian of Stooke, Achiam and Abbeel (2020) on u = log lambda:
 *   I_t = clamp(I_{t-1} + K_I e_t),   u_t = clamp(I_t + K_P xi_t + K_D max(0, xi_t - xi_{t-1})),
 * with only the integral clamped to the bounds (anti-wind-up), xi an EMA of the clipped violation. Unlike pi, the P
 * term acts on the level: lambda jumps with the error but the integral under it still accumulates while kappa is out
 * of reach.
 */
export const pidController: MultiplierController<PidOptions> = {
  kind: 'pid',
  description: 'positional PID on log lambda (Stooke et al. 2020): clamped integral plus P on the smoothed level and D on its rises',
  optionsSchema: pidOptionsSchema,
  initialState: (initialMultiplier, _options, bounds) => {
    const logMultiplier = clampLogMultiplier(Math.log(initialMultiplier), bounds);
    return { logMultiplier, integral: logMultiplier, smoothedViolation: null };
  },
  multiplier: multiplierFromLogState,
  update(state, { violation, bounds }, options) {
    const { error, previous, smoothed } = smoothViolation(state, violation, options);
    const integral = clampLogMultiplier(readNumber(state, 'integral') + options.integralGain * error, bounds);
    const rise = Math.max(0, smoothed - previous);
    const logMultiplier = clampLogMultiplier(integral + options.proportionalGain * smoothed + options.derivativeGain * rise, bounds);
    return { logMultiplier, integral, smoothedViolation: smoothed };
  },
};
