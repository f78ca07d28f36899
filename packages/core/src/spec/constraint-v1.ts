import type { Scalar } from '@tensorflow/tfjs-core';
import type { BatchV1 } from './batch-v1.js';
import type { ModelOutputV1 } from './model-v1.js';
import type { PluginV1 } from './plugin-v1.js';

export interface ConstraintEvaluationV1 {
  /** Batch-average constraint C (C <= 0 means satisfied), differentiable: drives the model gradient. */
  readonly value: Scalar;
  /**
   * The real measure in the same units as `value`, where `value` is only a differentiable surrogate (e.g.
   * accuracy vs cross-entropy). Drives the moving average and the multiplier update. Defaults to `value`.
   */
  readonly measure?: Scalar;
}

export interface ConstraintV1 {
  readonly specificationVersion: 'v1';
  readonly id: string;
  /** Short name for logs and metrics, unique within one run (e.g. 're', 'cla'). */
  readonly name: string;
  /** The tolerance as the user stated it, in `units`. */
  readonly kappa: number;
  /** Human-readable units of kappa, e.g. 'per-pixel RMSE'. */
  readonly units: string;
  /** Converts a constraint value C back to the units of kappa for logs (e.g. RMSE); optional. */
  toUnits?(constraintValue: number): number;
  /**
   * The size of C that counts as a 100% violation: C / violationScale() is the unit-free violation the multiplier
   * controllers act on, so one set of gains serves every constraint, dataset and image size. State it as the error
   * budget kappa allows (RE: D kappa^2, so C / scale = MSE / kappa^2 - 1; CLA: 1 - kappa, the tolerated error rate).
   * Optional (added in v1 without a version bump): undefined until known (e.g. before the first batch) or where a
   * plugin does not state it; GECO then uses 1, i.e. raw units.
   */
  violationScale?(): number | undefined;
  /** Constraint on one batch; tensors returned belong to the caller. */
  evaluate(input: { readonly batch: BatchV1; readonly output: ModelOutputV1 }): ConstraintEvaluationV1;
  dispose(): void;
}

export type ConstraintPluginV1<CONFIG = unknown> = PluginV1<'constraint', CONFIG, ConstraintV1>;
