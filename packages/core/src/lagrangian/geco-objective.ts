import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/tame-error.js';
import type { TrainingObjective } from '../objective/training-objective.js';
import type { ConstraintV1 } from '../spec/constraint-v1.js';
import type { JSONObject } from '../spec/json-value.js';
import { controllerFor, multiplierControllerConfigSchema } from './multiplier-controllers.js';
import { straightThrough } from './straight-through.js';

/** Options of one multiplier; each may be set for all constraints at once or overridden per constraint. */
export const multiplierOptionsSchema = z
  .object({
    /** lambda_0; Algorithm 1 starts at 1. */
    initialMultiplier: z.number().positive().finite().default(1),
    /** alpha of the moving average C_ma = alpha C_ma + (1 - alpha) Chat (0.99 in the paper). */
    movingAverageDecay: z.number().min(0).max(1).lt(1).default(0.99),
    /** Explicit bounds on lambda (every public implementation clamps; tame says so and warns at a bound). */
    bounds: z
      .tuple([z.number().positive(), z.number().positive()])
      .refine(([minimum, maximum]) => minimum < maximum, 'bounds must be [minimum, maximum] with minimum < maximum')
      .default([1e-6, 1e6]),
    /** How lambda follows the constraint: `{ kind: 'algorithm-1' | 'asymmetric' | 'pi' | 'pid' | 'softplus-squared', ...gains }`. */
    controller: multiplierControllerConfigSchema.default({ kind: 'algorithm-1', learningRate: 1e-2 }),
    /** Overrides the constraint's own violationScale (C / scale is the unit-free violation the gains act on). */
    violationScale: z.number().positive().finite().optional(),
  })
  .strict();

/** Options of tame 0.1 that the controller now holds: named in the error so a user knows where they went. */
const movedOptions: Readonly<Record<string, string>> = {
  multiplierLearningRate: "controller: { kind: 'algorithm-1', learningRate }",
  maxLogStep: "controller: { kind: 'asymmetric', maxLogStep }",
  descentSpeedup: "controller: { kind: 'asymmetric', descentSpeedup }",
  update: "controller: { kind: 'algorithm-1' | 'softplus-squared' }",
};

export const gecoOptionsSchema = multiplierOptionsSchema.extend({
  /** Steps before the first multiplier update (moving averages still run). */
  warmupSteps: z.number().int().min(0).default(0),
  /** Update the multipliers every this many steps. */
  updatePeriod: z.number().int().positive().default(1),
});
export type GecoOptions = z.input<typeof gecoOptionsSchema>;

/**
 * The options tame recommends over Algorithm 1's bare defaults, chosen by measurement for all data at once
 * (EXPERIMENTS.md, section 2b): lambda starts at 1 and follows a nuPI controller on log lambda (integral gain 4e-3
 * and proportional gain 1 per unit of the unit-free violation), which stops rising while the error falls by itself
 * instead of arriving at kappa wound up. Under Figure 5's protocol at 2,000-2,500 steps it ended with less KL than the
 * ELBO at no more than 1% higher test error on MNIST, Fashion-MNIST and Color-MNIST (the asymmetric rule: twice the
 * ELBO's KL on Fashion-MNIST; proportional gain 2: 2.1% over on Color-MNIST). Spread them first:
 * `createGecoObjective({ ...recommendedGecoOptions, constraints })`.
 */
export const recommendedGecoOptions = {
  initialMultiplier: 1,
  movingAverageDecay: 0.99,
  bounds: [1e-3, 1e6] as [number, number],
  controller: { kind: 'pi', integralGain: 4e-3, proportionalGain: 1 },
} satisfies GecoOptions;
type MultiplierOptions = z.output<typeof multiplierOptionsSchema>;

export interface GecoConstraintEntry extends Partial<z.input<typeof multiplierOptionsSchema>> {
  readonly constraint: ConstraintV1;
}

export interface GecoObjectiveOptions extends GecoOptions {
  /** One multiplier per constraint; pass a constraint or `{ constraint, ...per-constraint multiplier options }`. */
  readonly constraints: ReadonlyArray<ConstraintV1 | GecoConstraintEntry>;
}

interface ConstraintState {
  /** C_ma; null before the first step (Algorithm 1 initialises it to the first batch value). */
  movingAverage: number | null;
  multiplier: JSONObject;
}

function parseOptions<SCHEMA extends z.ZodType>(schema: SCHEMA, value: unknown, where: string): z.output<SCHEMA> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidArgumentError(`${where}.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
  }
  return result.data;
}

/**
 * GECO (Taming VAEs, Algorithm 1): minimise E[KL] subject to E[C_i] <= 0 through the Lagrangian
 * L = E[KL] + sum_i lambda_i C_i, with C_i = Chat_i + sg(C_ma,i - Chat_i); each lambda_i follows its moving average
 * through a multiplier controller (Algorithm 1's multiplicative update unless `controller` says otherwise). With one
 * reconstruction constraint, lambda = 1/beta of a beta-VAE.
 */
export function createGecoObjective(options: GecoObjectiveOptions): TrainingObjective {
  const { constraints: entries, ...rest } = options;
  if (entries.length === 0) throw new InvalidArgumentError('constraints', 'GECO needs at least one constraint');
  rejectMovedOptions(rest, 'geco');
  const shared = parseOptions(gecoOptionsSchema, rest, 'geco');
  const constraints = entries.map((entry) => {
    const { constraint, ...overrides } = 'constraint' in entry ? entry : { constraint: entry };
    const where = `geco.constraints.${constraint.name}`;
    rejectMovedOptions(overrides, where);
    const settings: MultiplierOptions = parseOptions(multiplierOptionsSchema, { ...pickMultiplierOptions(rest), ...overrides }, where);
    return { constraint, settings, controller: controllerFor(settings.controller) };
  });
  const names = constraints.map(({ constraint }) => constraint.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) {
    throw new InvalidArgumentError('constraints', `two constraints are named '${duplicate}'; names must be unique`);
  }
  const freshState = (): ConstraintState[] =>
    constraints.map(({ settings, controller }) => ({
      movingAverage: null,
      multiplier: controller.initialState(settings.initialMultiplier, settings.controller, boundsOf(settings)),
    }));
  let states = freshState();

  return {
    name: 'geco',
    trainableVariables: [],
    computeLoss({ batch, output }) {
      const kl = tf.mean(output.kl) as tf.Scalar;
      const metrics: Record<string, tf.Scalar> = {};
      let loss: tf.Scalar = kl;
      constraints.forEach(({ constraint, settings, controller }, index) => {
        const state = states[index] as ConstraintState;
        const evaluation = constraint.evaluate({ batch, output });
        // A separate measure (e.g. accuracy from argMax/equal) only drives the multiplier: detach it with a one-scalar
        // read, or tfjs would backpropagate the straight-through's zero gradient into ops that have no gradient.
        const measure = evaluation.measure === undefined ? evaluation.value : tf.scalar(evaluation.measure.dataSync()[0] as number);
        if (evaluation.measure !== undefined) evaluation.measure.dispose();
        // Moving average, initialised to the first batch value (no zero bias).
        const movingAverage =
          state.movingAverage === null
            ? tf.clone(measure)
            : tf.add(tf.mul(settings.movingAverageDecay, state.movingAverage), tf.mul(1 - settings.movingAverageDecay, measure));
        const constrained = straightThrough(evaluation.value, movingAverage as tf.Scalar);
        loss = tf.add(loss, tf.mul(controller.multiplier(state.multiplier, settings.controller), constrained));
        metrics[`${constraint.name}.value`] = measure;
        metrics[`${constraint.name}.movingAverage`] = movingAverage as tf.Scalar;
      });
      return { loss, metrics };
    },
    afterStep({ step, metrics }) {
      const logged: Record<string, number> = {};
      const updating = step >= shared.warmupSteps && (step - shared.warmupSteps) % shared.updatePeriod === 0;
      states = constraints.map(({ constraint, settings, controller }, index) => {
        const previous = states[index] as ConstraintState;
        const movingAverage = metrics[`${constraint.name}.movingAverage`];
        if (movingAverage === undefined) throw new Error(`GECO: no moving average was computed for '${constraint.name}'`);
        const bounds = boundsOf(settings);
        // The forward value of C_t is the moving average (Algorithm 1); the gains act on it over the error budget.
        const violation = movingAverage / (settings.violationScale ?? constraint.violationScale?.() ?? 1);
        const multiplier = updating
          ? controller.update(previous.multiplier, { constraint: movingAverage, violation, bounds }, settings.controller)
          : previous.multiplier;
        const value = controller.multiplier(multiplier, settings.controller);
        logged[`${constraint.name}.violation`] = violation;
        logged[`${constraint.name}.multiplier`] = value;
        logged[`${constraint.name}.atBound`] =
          value <= bounds.minimum * (1 + 1e-9) || value >= bounds.maximum * (1 - 1e-9) ? 1 : 0;
        return { movingAverage, multiplier };
      });
      return logged;
    },
    getState: () => ({ constraints: Object.fromEntries(names.map((name, index) => [name, states[index] as unknown as JSONObject])) }),
    setState(state) {
      const saved = state.constraints as Record<string, ConstraintState> | undefined;
      const restored = freshState();
      names.forEach((name, index) => {
        const entry = saved?.[name];
        if (entry === undefined) throw new InvalidArgumentError('geco state', `no saved state for constraint '${name}'`);
        restored[index] = { movingAverage: entry.movingAverage, multiplier: entry.multiplier };
      });
      states = restored;
    },
  };
}

function boundsOf(settings: MultiplierOptions) {
  return { minimum: settings.bounds[0], maximum: settings.bounds[1] };
}

function rejectMovedOptions(options: Record<string, unknown>, where: string): void {
  const moved = Object.keys(options).find((key) => key in movedOptions);
  if (moved !== undefined) {
    throw new InvalidArgumentError(`${where}.${moved}`, `'${moved}' moved into the multiplier controller in tame 0.2; write ${movedOptions[moved]}`);
  }
}

function pickMultiplierOptions(options: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(multiplierOptionsSchema.shape);
  return Object.fromEntries(Object.entries(options).filter(([key]) => keys.includes(key)));
}
