import { z } from 'zod';
import { clamp, type MultiplierController, readNumber } from '../multiplier-controller.js';

export const softplusSquaredOptionsSchema = z
  .object({
    kind: z.literal('softplus-squared'),
    /** Rate of gradient ascent on w, on C_ma in the constraint's own units (Sonnet's rate 1.0 suits their scale). */
    learningRate: z.number().positive().finite().default(1e-2),
  })
  .strict();
export type SoftplusSquaredOptions = z.output<typeof softplusSquaredOptionsSchema>;

const softplus = (value: number) => (value > 30 ? value : Math.log1p(Math.exp(value)));
const inverseSoftplus = (value: number) => (value > 30 ? value : Math.log(Math.expm1(value)));
const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));

/**
 * Sonnet's variant: lambda = softplus(w)^2 and w does plain gradient ascent on lambda C_ma,
 * w <- w + nu C_ma d lambda / d w = w + nu C_ma 2 softplus(w) sigmoid(w), clamped so lambda stays within its bounds.
 */
export const softplusSquaredController: MultiplierController<SoftplusSquaredOptions> = {
  kind: 'softplus-squared',
  description: "Sonnet's lambda = softplus(w)^2 with gradient ascent on w (raw units)",
  optionsSchema: softplusSquaredOptionsSchema,
  initialState: (initialMultiplier, _options, bounds) => ({
    parameter: inverseSoftplus(Math.sqrt(clamp(initialMultiplier, bounds.minimum, bounds.maximum))),
  }),
  multiplier: (state) => softplus(readNumber(state, 'parameter')) ** 2,
  update(state, { constraint, bounds }, options) {
    const parameter = readNumber(state, 'parameter');
    const gradient = 2 * softplus(parameter) * sigmoid(parameter);
    return {
      parameter: clamp(
        parameter + options.learningRate * constraint * gradient,
        inverseSoftplus(Math.sqrt(bounds.minimum)),
        inverseSoftplus(Math.sqrt(bounds.maximum)),
      ),
    };
  },
};
