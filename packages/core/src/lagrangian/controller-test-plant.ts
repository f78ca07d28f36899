import type { JSONObject } from '../spec/json-value.js';
import type { MultiplierBounds, MultiplierController } from './multiplier-controller.js';

/**
 * A deterministic stand-in for a VAE under one constraint, in the unit-free violation e (0 at kappa): at log
 * multiplier u the network would settle at e_eq(u) = exp(k (u* - u)) - 1 (the error falls as a power of lambda,
 * kappa is met at lambda* = exp(u*)), but while it is still learning it cannot go below a floor that shrinks
 * linearly to 0 over `reachableAfter` steps, so kappa is out of reach until then whatever lambda does. The error
 * follows its target with a first-order lag, the batch value gets seeded noise, and the controller sees GECO's
 * moving average of it: exactly what wound multipliers up on Fashion-MNIST, in milliseconds.
 */
export interface ControllerPlantOptions {
  readonly steps: number;
  /** u* = log lambda*, the multiplier at which the settled network meets kappa exactly. */
  readonly equilibriumMultiplier: number;
  /** k: how strongly the settled error responds to log lambda. */
  readonly sensitivity: number;
  /** e at step 0 (the untrained network). */
  readonly initialViolation: number;
  /** The learning floor starts at this violation and reaches 0 at `reachableAfter`. */
  readonly floorViolation: number;
  readonly reachableAfter: number;
  /** Fraction of the gap to its target the error closes per step (the network's response time is 1 / rate). */
  readonly responseRate: number;
  /** Standard deviation of the batch noise on e. */
  readonly noise: number;
  /** GECO's alpha. */
  readonly movingAverageDecay: number;
  /** violationScale: the controller also sees C_ma = e * scale in raw units (Algorithm 1 acts on those). */
  readonly violationScale: number;
  readonly initialMultiplier: number;
  readonly bounds: MultiplierBounds;
  readonly seed: number;
}

/**
 * Defaults shaped on Fashion-MNIST with the reference conv VAE at kappa = the ELBO's error (EXPERIMENTS.md section 2b).
 */
export const defaultControllerPlantOptions: ControllerPlantOptions = {
  steps: 8000,
  equilibriumMultiplier: 15,
  sensitivity: 0.5,
  initialViolation: 8,
  floorViolation: 1,
  reachableAfter: 2500,
  responseRate: 0.01,
  noise: 0.05,
  movingAverageDecay: 0.99,
  violationScale: 7.84,
  initialMultiplier: 1,
  bounds: { minimum: 1e-3, maximum: 1e6 },
  seed: 1,
};

export interface ControllerTrajectory {
  /** Per step: the multiplier after the update and the moving average of the violation it saw. */
  readonly multipliers: readonly number[];
  readonly violations: readonly number[];
}

export interface ControllerMeasurements {
  readonly peakMultiplier: number;
  readonly peakStep: number;
  /** First step whose moving-average violation is <= 0; null when kappa was never met. */
  readonly firstFeasibleStep: number | null;
  /** Largest over-satisfaction after the first feasible step (max of -e), and its sum over steps. */
  readonly overshoot: number;
  readonly overshootArea: number;
  /** First step after which |e| stays within `settlingBand`; null when it never settles. */
  readonly settlingStep: number | null;
  /** Crossings of e from above to below kappa or back after the first feasible step, outside a dead band (oscillation). */
  readonly signChanges: number;
  readonly finalMultiplier: number;
  /** Peak over the plant's lambda* (1 = no overshoot of the multiplier). */
  readonly peakOverEquilibrium: number;
}

/** mulberry32 + Box-Muller: a seeded standard normal stream (no tfjs needed). */
function normalStream(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Runs `controller` with `options` against the plant and returns its whole trajectory. */
export function simulateController<OPTIONS extends { readonly kind: string }>(
  controller: MultiplierController<OPTIONS>,
  controllerOptions: OPTIONS,
  plantOptions: Partial<ControllerPlantOptions> = {},
): ControllerTrajectory {
  const plant = { ...defaultControllerPlantOptions, ...plantOptions };
  const noise = normalStream(plant.seed);
  const targetLog = Math.log(plant.equilibriumMultiplier);
  let state: JSONObject = controller.initialState(plant.initialMultiplier, controllerOptions, plant.bounds);
  let error = plant.initialViolation;
  let movingAverage: number | null = null;
  const multipliers: number[] = [];
  const violations: number[] = [];
  for (let step = 0; step < plant.steps; step += 1) {
    const measured = error + plant.noise * noise();
    movingAverage = movingAverage === null ? measured : plant.movingAverageDecay * movingAverage + (1 - plant.movingAverageDecay) * measured;
    state = controller.update(state, { constraint: movingAverage * plant.violationScale, violation: movingAverage, bounds: plant.bounds }, controllerOptions);
    const multiplier = controller.multiplier(state, controllerOptions);
    multipliers.push(multiplier);
    violations.push(movingAverage);
    const settled = Math.exp(plant.sensitivity * (targetLog - Math.log(multiplier))) - 1;
    const floor = step < plant.reachableAfter ? plant.floorViolation * (1 - step / plant.reachableAfter) : Number.NEGATIVE_INFINITY;
    error += plant.responseRate * (Math.max(settled, floor) - error);
  }
  return { multipliers, violations };
}

/**
 * The numbers that separate multiplier rules (EXPERIMENTS.md section 2b): peak, time to kappa, overshoot, settling,
 * sign changes.
 */
export function measureControllerTrajectory(
  trajectory: ControllerTrajectory,
  options: { readonly equilibriumMultiplier?: number; readonly settlingBand?: number } = {},
): ControllerMeasurements {
  const { multipliers, violations } = trajectory;
  const band = options.settlingBand ?? 0.05;
  let peakStep = 0;
  multipliers.forEach((value, step) => {
    if (value > (multipliers[peakStep] as number)) peakStep = step;
  });
  const firstFeasible = violations.findIndex((value) => value <= 0);
  const after = firstFeasible < 0 ? [] : violations.slice(firstFeasible);
  // Crossings from one side of a dead band (a fifth of the settling band) to the other: noise hovering at 0 is not
  // an oscillation.
  const deadBand = band / 5;
  let signChanges = 0;
  let side = 0;
  for (const value of after) {
    const current = value > deadBand ? 1 : value < -deadBand ? -1 : 0;
    if (current !== 0 && side !== 0 && current !== side) signChanges += 1;
    if (current !== 0) side = current;
  }
  let settlingStep: number | null = violations.length;
  for (let step = violations.length - 1; step >= 0 && Math.abs(violations[step] as number) <= band; step -= 1) settlingStep = step;
  if (settlingStep === violations.length) settlingStep = null;
  const peakMultiplier = multipliers[peakStep] as number;
  return {
    peakMultiplier,
    peakStep,
    firstFeasibleStep: firstFeasible < 0 ? null : firstFeasible,
    overshoot: after.reduce((largest, value) => Math.max(largest, -value), 0),
    overshootArea: after.reduce((sum, value) => sum + Math.max(0, -value), 0),
    settlingStep,
    signChanges,
    finalMultiplier: multipliers[multipliers.length - 1] as number,
    peakOverEquilibrium: peakMultiplier / (options.equilibriumMultiplier ?? defaultControllerPlantOptions.equilibriumMultiplier),
  };
}
