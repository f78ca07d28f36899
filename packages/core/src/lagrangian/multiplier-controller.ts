import type { z } from 'zod';
import type { JSONObject } from '../spec/json-value.js';

export interface MultiplierBounds {
  readonly minimum: number;
  readonly maximum: number;
}

/** What a controller sees after each training step, for one constraint. */
export interface MultiplierControllerInput {
  /** C_ma, the constraint's moving average in its own units (Algorithm 1 acts on this). */
  readonly constraint: number;
  /**
   * The unit-free violation C_ma / violationScale: 0 at kappa, 1 when the error is twice its budget (RE: MSE / kappa^2 - 1),
   * -1 for a perfect fit. Gains act on this, so one set of defaults serves every constraint, dataset and image size.
   */
  readonly violation: number;
  readonly bounds: MultiplierBounds;
}

/**
 * How a Lagrange multiplier lambda > 0 follows its constraint: a small config object over a JSON state, written the
 * way tfjs writes kernels. `kind` names it in configs; `optionsSchema` validates (and defaults) its gains; the state
 * is plain JSON, so a checkpoint restores a multiplier exactly. Every shipped controller works on u = log lambda.
 */
export interface MultiplierController<OPTIONS extends { readonly kind: string } = { readonly kind: string }> {
  readonly kind: OPTIONS['kind'];
  /** One line for docs and `--help`. */
  readonly description: string;
  readonly optionsSchema: z.ZodType<OPTIONS, unknown>;
  initialState(initialMultiplier: number, options: OPTIONS, bounds: MultiplierBounds): JSONObject;
  multiplier(state: JSONObject, options: OPTIONS): number;
  /** The state after one training step; called only on training steps (never on evaluation batches). */
  update(state: JSONObject, input: MultiplierControllerInput, options: OPTIONS): JSONObject;
}

export function clamp(value: number, minimum: number, maximum: number): number {
  return Math.min(maximum, Math.max(minimum, value));
}

/** log lambda clamped to the log of the bounds. */
export function clampLogMultiplier(logMultiplier: number, bounds: MultiplierBounds): number {
  return clamp(logMultiplier, Math.log(bounds.minimum), Math.log(bounds.maximum));
}

export function readNumber(state: JSONObject, key: string): number {
  const value = state[key];
  if (typeof value !== 'number') throw new Error(`multiplier state has no numeric '${key}' (state: ${JSON.stringify(state)})`);
  return value;
}

/** A number or null (JSON has no undefined): for smoothed values that start empty. */
export function readOptionalNumber(state: JSONObject, key: string): number | null {
  const value = state[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') throw new Error(`multiplier state has a non-numeric '${key}' (state: ${JSON.stringify(state)})`);
  return value;
}

/** lambda from a state that keeps u = log lambda under 'logMultiplier' (every log-space controller). */
export function multiplierFromLogState(state: JSONObject): number {
  return Math.exp(readNumber(state, 'logMultiplier'));
}

/**
 * The violation clipped to +-limit and its EMA xi (smoothing nu), as the pi and pid controllers use them. On the first
 * update there is no history: xi starts at e and `previous` equals it, so a change term gives no kick.
 */
export function smoothViolation(
  state: JSONObject,
  violation: number,
  options: { readonly violationLimit: number; readonly smoothing: number },
): { readonly error: number; readonly previous: number; readonly smoothed: number } {
  const error = clamp(violation, -options.violationLimit, options.violationLimit);
  const stored = readOptionalNumber(state, 'smoothedViolation');
  const smoothed = stored === null ? error : options.smoothing * stored + (1 - options.smoothing) * error;
  return { error, previous: stored ?? smoothed, smoothed };
}
