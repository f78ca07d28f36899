import { createReconstructionErrorConstraint } from '@tame/constraints';
import {
  type ConstraintV1,
  createGecoObjective,
  type JSONObject,
  type MultiplierControllerConfig,
  recommendedGecoOptions,
  type TrainingObjective,
} from '@tame/core';

export interface GecoTarget {
  /** Per-pixel RMSE the reconstructions must stay under. */
  readonly kappa: number;
  readonly controller: MultiplierControllerConfig;
}

/** The name of the RE constraint: its metrics are `re.value`, `re.movingAverage`, `re.multiplier`, ... */
export const constraintName = 're';

export interface RetargetableGeco {
  /**
   * Hand this to `train()`: it delegates to the GECO objective of the current target, and adds to GECO's metrics
   * `re.kappa`, `re.rmse` (the moving average as a per-pixel RMSE) and `re.batchRmse` (this batch's).
   */
  readonly objective: TrainingObjective;
  readonly target: () => GecoTarget;
  /** The current constraint (its `toUnits` turns C into a per-pixel RMSE). */
  readonly constraint: () => ConstraintV1;
  /** Takes effect from the next step; see `createRetargetableGeco`. */
  retarget(target: Partial<GecoTarget>): void;
}

interface ConstraintState {
  movingAverage: number | null;
  multiplier: JSONObject;
}

/**
 * GECO with an RE constraint whose kappa and controller can change mid-run. A constraint's kappa is fixed at
 * creation, so a new target builds a new constraint and objective and carries the state over through
 * getState/setState:
 * - kappa: C = SSE - D kappa^2, so C_ma moves by D (kappa_old^2 - kappa_new^2): the moving average of the error itself
 *   is kept, not restarted, and lambda keeps its controller state (the violation C_ma / (D kappa^2) jumps, and the
 *   controller reacts to that as to any change of the error);
 * - controller: the new controller starts from the current lambda (its initialMultiplier), with fresh internal state
 *   (integrals, smoothed violations mean different things to different rules).
 * The change is applied at the end of `afterStep`, where GECO itself changes state, so it never splits a step.
 */
export function createRetargetableGeco(initial: GecoTarget, dimensions: number): RetargetableGeco {
  let target = initial;
  let constraint = createConstraint(target.kappa, dimensions);
  let current = createObjective(constraint, target.controller, recommendedGecoOptions.initialMultiplier);
  let pending: GecoTarget | undefined;
  let lastMultiplier: number = recommendedGecoOptions.initialMultiplier;

  const applyPending = () => {
    if (pending === undefined) return;
    const next = pending;
    pending = undefined;
    const previous = constraintState(current);
    const nextConstraint = createConstraint(next.kappa, dimensions);
    const controllerChanged = JSON.stringify(next.controller) !== JSON.stringify(target.controller);
    const nextObjective = createObjective(nextConstraint, next.controller, lastMultiplier);
    const fresh = constraintState(nextObjective);
    const shift = dimensions * (target.kappa * target.kappa - next.kappa * next.kappa);
    nextObjective.setState({
      constraints: {
        [constraintName]: {
          movingAverage: previous.movingAverage === null ? null : previous.movingAverage + shift,
          multiplier: controllerChanged ? fresh.multiplier : previous.multiplier,
        },
      },
    });
    target = next;
    constraint = nextConstraint;
    current = nextObjective;
  };

  const objective: TrainingObjective = {
    name: 'geco',
    trainableVariables: [],
    computeLoss: (input) => current.computeLoss(input),
    afterStep(input) {
      const logged = current.afterStep(input);
      lastMultiplier = logged[`${constraintName}.multiplier`] ?? lastMultiplier;
      // In kappa's units, converted by the constraint this step ran with (before a pending kappa replaces it).
      const toUnits = (name: string) => constraint.toUnits?.(input.metrics[`${constraintName}.${name}`] ?? Number.NaN) ?? Number.NaN;
      const inUnits = {
        [`${constraintName}.kappa`]: target.kappa,
        [`${constraintName}.rmse`]: toUnits('movingAverage'),
        [`${constraintName}.batchRmse`]: toUnits('value'),
      };
      applyPending();
      return { ...logged, ...inUnits };
    },
    getState: () => current.getState(),
    setState: (state) => current.setState(state),
  };

  return {
    objective,
    target: () => pending ?? target,
    constraint: () => constraint,
    retarget(change) {
      pending = { ...(pending ?? target), ...change };
    },
  };
}

/** GECO's state is `{ constraints: { [name]: { movingAverage, multiplier } } }` (JSON, what checkpoints hold). */
function constraintState(objective: TrainingObjective): ConstraintState {
  const state = (objective.getState().constraints as unknown as Record<string, ConstraintState> | undefined)?.[constraintName];
  if (state === undefined) throw new Error(`GECO's state has no constraint '${constraintName}'`);
  return state;
}

function createConstraint(kappa: number, dimensions: number): ConstraintV1 {
  return createReconstructionErrorConstraint({ kappa, name: constraintName, dimensions });
}

function createObjective(constraint: ConstraintV1, controller: MultiplierControllerConfig, initialMultiplier: number): TrainingObjective {
  return createGecoObjective({ ...recommendedGecoOptions, initialMultiplier, controller, constraints: [constraint] });
}
