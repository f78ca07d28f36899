import { z } from 'zod';
import { clampLogMultiplier, type MultiplierController, multiplierFromLogState, readNumber, smoothViolation } from '../multiplier-controller.js';

export const piOptionsSchema = z
  .object({
    kind: z.literal('pi'),
    /** K_I: rise of log lambda per step per unit of violation. */
    integralGain: z.number().min(0).finite().default(4e-3),
    /** K_P: change of log lambda per unit change of the smoothed violation (cancels the integral while e falls). */
    proportionalGain: z.number().min(0).finite().default(1),
    /** nu of nuPI: extra smoothing of the violation for the P term (0: C_ma's own moving average is enough). */
    smoothing: z.number().min(0).lt(1).default(0),
    /**
     * Violations are clipped to +-this before use: far above kappa (early training) the error says nothing about the
     * multiplier, so the integral rises at most K_I * limit per step and the P term acts only near kappa.
     */
    violationLimit: z.number().positive().finite().default(1),
  })
  .strict();
export type PiOptions = z.output<typeof piOptionsSchema>;

/**
 * nuPI (Sohrabi et al. 2024, "On PI controllers for updating Lagrange multipliers") on u = log lambda:
 *   xi_t = nu xi_{t-1} + (1 - nu) e_t,   u_t = u_{t-1} + K_I e_t + K_P (xi_t - xi_{t-1}),
 * with e the clipped unit-free violation. Summed, u = u_0 + K_I sum(e) + K_P (xi_t - xi_0): while the error falls by
 * itself the P term takes back what the integral adds, so lambda stops rising before kappa is met instead of
 * arriving wound up, and once kappa holds lambda descends at the integral's own pace (no speed-up, no swing).
 * The incremental form clamped at the bounds cannot wind up past them.
 */
export const piController: MultiplierController<PiOptions> = {
  kind: 'pi',
  description: 'nuPI on log lambda: integral on the violation plus a proportional term on its change (no wind-up while the error falls)',
  optionsSchema: piOptionsSchema,
  initialState: (initialMultiplier, _options, bounds) => ({
    logMultiplier: clampLogMultiplier(Math.log(initialMultiplier), bounds),
    smoothedViolation: null,
  }),
  multiplier: multiplierFromLogState,
  update(state, { violation, bounds }, options) {
    const { error, previous, smoothed } = smoothViolation(state, violation, options);
    const step = options.integralGain * error + options.proportionalGain * (smoothed - previous);
    return { logMultiplier: clampLogMultiplier(readNumber(state, 'logMultiplier') + step, bounds), smoothedViolation: smoothed };
  },
};
