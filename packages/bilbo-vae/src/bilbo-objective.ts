import * as tf from '@tensorflow/tfjs-core';
import {
  createGecoObjective,
  type GecoObjectiveOptions,
  InvalidArgumentError,
  type JSONObject,
  type LikelihoodV1,
  type ModelOutputV1,
  type TrainingObjective,
} from '@tame/core';
import type { FloatingPriorModel } from './bilbo-vae-model.js';
import { floatingPrior, floatingPriorRate, gaussianKlToZeroMeanPrior } from './floating-prior.js';

/** Options shared by the BILBO and the floating-prior GECO forms of the objective. */
export interface BilboObjectiveCommonOptions {
  /** The model being trained: constant posterior; its prior variances v receive the moving estimate. */
  readonly model: FloatingPriorModel;
  /** Decay of the moving estimate v <- decay v + (1 - decay) v_batch (initialised to the first batch). Default 0.99. */
  readonly priorMovingAverageDecay?: number;
}

export type BilboObjectiveOptions = BilboObjectiveCommonOptions &
  (
    | {
        /** BILBO: loss = (1/2) sum_j log1p(m_j / s^2) + mean_i NLL_i (README, note S1). */
        readonly likelihood: LikelihoodV1;
        readonly geco?: undefined;
      }
    | {
        /**
         * GECO with the floating prior: core's GECO Lagrangian (minimise the KL subject to the constraints), its KL
         * being the per-example KL to the batch's floating prior instead of the model's fixed-prior `kl`.
         */
        readonly geco: GecoObjectiveOptions;
        readonly likelihood?: undefined;
      }
  );

/** JSON state: the moving estimate in float64 (the model holds its float32 copy) and the number of updates. */
interface MovingPriorState {
  updates: number;
  priorVariance: number[] | null;
}

const where = 'createBilboObjective';

/** Metric name of the batch's floating prior variance v_j (the trainer logs it and hands it to afterStep). */
export function floatingPriorMetricName(dimension: number): string {
  return `bilbo.priorVariance.${dimension}`;
}

function posteriorMeanOf(output: ModelOutputV1, latentSize: number): tf.Tensor2D {
  const mean = output.extras?.posteriorMean;
  if (mean === undefined) {
    throw new InvalidArgumentError(`${where} output.extras.posteriorMean`, 'is missing: the model must expose its posterior means (the BILBO VAE does)');
  }
  if (mean.rank !== 2 || mean.shape[1] !== latentSize) {
    throw new InvalidArgumentError(`${where} output.extras.posteriorMean`, `must have shape [batch, ${latentSize}], got [${mean.shape}]`);
  }
  return mean as tf.Tensor2D;
}

/**
 * The BILBO objective (README, note S1) for a constant-posterior model: the loss is computed against
 * the batch's floating prior N(0, diag(m + s^2)), reported per dimension in the metrics
 * (`bilbo.priorVariance.<j>`), and only `afterStep` folds it into the moving estimate v that the model uses for
 * sampling and for its fixed-prior `kl` (so a step rejected by the trainer's NaN guard leaves no trace). With
 * `geco`, core's GECO objective runs on the per-example KL to the floating prior instead of a likelihood.
 */
export function createBilboObjective(options: BilboObjectiveOptions): TrainingObjective {
  const { model } = options;
  const decay = options.priorMovingAverageDecay ?? 0.99;
  if (!(decay >= 0 && decay < 1)) throw new InvalidArgumentError(`${where} priorMovingAverageDecay`, `must be in [0, 1), got ${decay}`);
  if (model.posterior !== 'constant') {
    throw new InvalidArgumentError(
      `${where} model`,
      `needs posterior 'constant', got '${model.posterior}': with learned posterior variances the floating prior leaves the latent scale unidentifiable (train it with core's ELBO or GECO objective instead)`,
    );
  }
  if ((options.likelihood === undefined) === (options.geco === undefined)) {
    throw new InvalidArgumentError(`${where} options`, 'give exactly one of `likelihood` (BILBO) or `geco` (GECO with the floating prior)');
  }
  const s = model.posteriorScale;
  const latentSize = model.latentSize;
  const inner = options.geco === undefined ? undefined : createGecoObjective(options.geco);
  const likelihood = options.likelihood;
  let state: MovingPriorState = { updates: 0, priorVariance: null };

  const movingRate = (variance: readonly number[]) => 0.5 * variance.reduce((sum, value) => sum + Math.log(value / (s * s)), 0);

  return {
    name: inner === undefined ? 'bilbo' : 'bilbo-geco',
    trainableVariables: likelihood?.trainableVariables ?? [],
    computeLoss({ batch, output, step }) {
      const mean = posteriorMeanOf(output, latentSize);
      const { variance, secondMoment } = floatingPrior(mean, s);
      secondMoment.dispose();
      const perDimension = tf.unstack(variance) as tf.Scalar[];
      variance.dispose();
      const metrics: Record<string, tf.Scalar> = {};
      perDimension.forEach((value, dimension) => {
        metrics[floatingPriorMetricName(dimension)] = value;
      });
      const rate = floatingPriorRate(mean, s);
      metrics['bilbo.rate'] = rate;
      if (likelihood !== undefined) {
        const nll = tf.tidy(() => tf.mean(likelihood.negativeLogLikelihood(batch.inputs, output.reconstruction)) as tf.Scalar);
        metrics.nll = nll;
        // -BILBO = (1/2) sum_j log1p(m_j / s^2) + mean_i NLL_i.
        return { loss: tf.add(rate, nll) as tf.Scalar, metrics };
      }
      // Per-example KL to the floating prior; its batch mean equals `rate` (v is the KL-minimising prior).
      const floatingKl = tf.tidy(() => gaussianKlToZeroMeanPrior(mean, s, floatingPrior(mean, s).variance));
      const result = (inner as TrainingObjective).computeLoss({ batch, output: { ...output, kl: floatingKl }, step });
      floatingKl.dispose();
      return { loss: result.loss, metrics: { ...metrics, ...result.metrics } };
    },
    afterStep({ step, metrics }) {
      const batchVariance = Array.from({ length: latentSize }, (_, dimension) => {
        const value = metrics[floatingPriorMetricName(dimension)];
        if (value === undefined || !(value > 0) || !Number.isFinite(value)) {
          throw new InvalidArgumentError(`${where} afterStep metrics`, `needs a finite '${floatingPriorMetricName(dimension)}' > 0, got ${value}`);
        }
        return value;
      });
      const previous = state.priorVariance;
      const priorVariance =
        previous === null ? batchVariance : previous.map((value, dimension) => decay * value + (1 - decay) * (batchVariance[dimension] as number));
      state = { updates: state.updates + 1, priorVariance };
      model.setPriorVariance(priorVariance);
      return { 'bilbo.movingRate': movingRate(priorVariance), ...(inner?.afterStep({ step, metrics }) ?? {}) };
    },
    getState() {
      const saved: JSONObject = { updates: state.updates, priorVariance: state.priorVariance === null ? null : [...state.priorVariance] };
      return inner === undefined ? saved : { ...saved, geco: inner.getState() };
    },
    setState(saved) {
      const updates = saved.updates;
      const priorVariance = saved.priorVariance;
      const valid =
        typeof updates === 'number' &&
        Number.isInteger(updates) &&
        updates >= 0 &&
        (priorVariance === null ||
          (Array.isArray(priorVariance) &&
            priorVariance.length === latentSize &&
            priorVariance.every((value) => typeof value === 'number' && Number.isFinite(value) && value > 0)));
      if (!valid) {
        throw new InvalidArgumentError(`${where} state`, `must be { updates: integer >= 0, priorVariance: null or ${latentSize} numbers > 0 }`);
      }
      if (inner !== undefined) {
        if (typeof saved.geco !== 'object' || saved.geco === null || Array.isArray(saved.geco)) {
          throw new InvalidArgumentError(`${where} state`, 'has no GECO state (`geco`)');
        }
        inner.setState(saved.geco);
      }
      state = { updates, priorVariance: priorVariance === null ? null : [...(priorVariance as number[])] };
      if (state.priorVariance !== null) model.setPriorVariance(state.priorVariance);
    },
  };
}
