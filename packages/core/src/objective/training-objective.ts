import type { Scalar, Variable } from '@tensorflow/tfjs-core';
import type { BatchV1 } from '../spec/batch-v1.js';
import type { JSONObject } from '../spec/json-value.js';
import type { ModelOutputV1 } from '../spec/model-v1.js';

export interface ObjectiveLossInput {
  readonly batch: BatchV1;
  readonly output: ModelOutputV1;
  /** Index of the step being computed (0 for the first). */
  readonly step: number;
}

export interface ObjectiveLoss {
  /** The scalar the optimizer minimises. */
  readonly loss: Scalar;
  /** Named scalars for logs; the trainer reads them back after the step and hands them to `afterStep`. */
  readonly metrics: Readonly<Record<string, Scalar>>;
}

/**
 * What the trainer minimises: GECO's Lagrangian, the ELBO, BILBO. Stateful objectives keep their state as JSON
 * (multipliers, moving averages) so a checkpoint restores them exactly, and change it only in `afterStep`, so a
 * step rejected by the NaN guard leaves no trace.
 */
export interface TrainingObjective {
  readonly name: string;
  /** Variables the objective owns and the optimizer also updates (e.g. a learned likelihood scale). */
  readonly trainableVariables: readonly Variable[];
  /** Called inside the gradient tape; returned tensors belong to the caller. */
  computeLoss(input: ObjectiveLossInput): ObjectiveLoss;
  /** Called after a successful optimizer step with the metric values; returns extra metrics to log. */
  afterStep(input: { readonly step: number; readonly metrics: Readonly<Record<string, number>> }): Record<string, number>;
  getState(): JSONObject;
  setState(state: JSONObject): void;
}
