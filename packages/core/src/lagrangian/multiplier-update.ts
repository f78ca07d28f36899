import type { JSONObject } from '../spec/json-value.js';

export interface MultiplierBounds {
  readonly minimum: number;
  readonly maximum: number;
}

export interface MultiplierStepOptions {
  /** nu, the multiplier's learning rate. */
  readonly learningRate: number;
  readonly bounds: MultiplierBounds;
  /** Anti-wind-up: largest change of log(lambda) in one update; Infinity keeps Algorithm 1 exact. */
  readonly maxLogStep: number;
  /**
   * Asymmetric steps: while the constraint holds (C < 0) the step and its clip are multiplied by this (GENESIS uses 10,
   * "to recover more quickly from undershooting"). 1 keeps Algorithm 1 symmetric.
   */
  readonly descentSpeedup?: number;
}

/**
 * How a Lagrange multiplier lambda >= 0 moves given the constraint value C (C > 0: violated). A rule is a small
 * config object over a JSON state, so multipliers checkpoint exactly and new rules plug in without touching GECO.
 */
export interface MultiplierUpdateRule {
  readonly name: string;
  initialState(initialMultiplier: number, bounds: MultiplierBounds): JSONObject;
  multiplier(state: JSONObject): number;
  update(state: JSONObject, constraintValue: number, options: MultiplierStepOptions): JSONObject;
}

function clamp(value: number, minimum: number, maximum: number): number {
  return Math.min(maximum, Math.max(minimum, value));
}

/** nu C, times the descent speed-up once the constraint holds, clipped to the (equally sped-up) largest step. */
function clippedStep(rawStep: number, constraintValue: number, options: MultiplierStepOptions): number {
  const speedup = constraintValue < 0 ? (options.descentSpeedup ?? 1) : 1;
  return clamp(rawStep * speedup, -options.maxLogStep * speedup, options.maxLogStep * speedup);
}

function readNumber(state: JSONObject, key: string): number {
  const value = state[key];
  if (typeof value !== 'number') throw new Error(`multiplier state has no numeric '${key}'`);
  return value;
}

/**
 * Algorithm 1: lambda_t = lambda_{t-1} * exp(nu * C_t), kept in log space (same numbers, no overflow), clamped to
 * explicit bounds. lambda stays positive by construction.
 */
export const multiplicativeUpdate: MultiplierUpdateRule = {
  name: 'multiplicative',
  initialState: (initialMultiplier, bounds) => ({
    logMultiplier: Math.log(clamp(initialMultiplier, bounds.minimum, bounds.maximum)),
  }),
  multiplier: (state) => Math.exp(readNumber(state, 'logMultiplier')),
  update(state, constraintValue, options) {
    const step = clippedStep(options.learningRate * constraintValue, constraintValue, options);
    const logMultiplier = clamp(
      readNumber(state, 'logMultiplier') + step,
      Math.log(options.bounds.minimum),
      Math.log(options.bounds.maximum),
    );
    return { logMultiplier };
  },
};

const softplus = (value: number) => (value > 30 ? value : Math.log1p(Math.exp(value)));
const inverseSoftplus = (value: number) => (value > 30 ? value : Math.log(Math.expm1(value)));
const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));

/**
 * The Sonnet variant: lambda = softplus(w)^2 and w does plain gradient ascent on lambda * C,
 * w <- w + nu * C * d lambda / d w = w + nu * C * 2 softplus(w) sigmoid(w). `maxLogStep` bounds |delta w|.
 */
export const softplusSquaredUpdate: MultiplierUpdateRule = {
  name: 'softplus-squared',
  initialState: (initialMultiplier, bounds) => ({
    parameter: inverseSoftplus(Math.sqrt(clamp(initialMultiplier, bounds.minimum, bounds.maximum))),
  }),
  multiplier: (state) => softplus(readNumber(state, 'parameter')) ** 2,
  update(state, constraintValue, options) {
    const parameter = readNumber(state, 'parameter');
    const gradient = 2 * softplus(parameter) * sigmoid(parameter);
    const step = clippedStep(options.learningRate * constraintValue * gradient, constraintValue, options);
    return {
      parameter: clamp(
        parameter + step,
        inverseSoftplus(Math.sqrt(options.bounds.minimum)),
        inverseSoftplus(Math.sqrt(options.bounds.maximum)),
      ),
    };
  },
};

export const multiplierUpdateRules = {
  multiplicative: multiplicativeUpdate,
  'softplus-squared': softplusSquaredUpdate,
} as const;
export type MultiplierUpdateName = keyof typeof multiplierUpdateRules;
