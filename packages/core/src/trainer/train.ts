import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointTensor, TrainingCheckpoint } from '../checkpoint/checkpoint-format.js';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { CheckpointError, InvalidArgumentError, NonFiniteValueError } from '../errors/tame-error.js';
import type { TrainingObjective } from '../objective/training-objective.js';
import { type AdamOptions, createAdamOptimizer } from '../optimizer/adam.js';
import { clipByGlobalNorm, globalNorm } from '../optimizer/clip-by-global-norm.js';
import { stepSeed } from '../random/step-seed.js';
import type { BatchV1 } from '../spec/batch-v1.js';
import type { DatasetV1 } from '../spec/dataset-v1.js';
import type { JSONObject } from '../spec/json-value.js';
import type { ModelV1 } from '../spec/model-v1.js';
import type { StepEvent, TrainingCallbacks, TrainingEndEvent } from './training-callbacks.js';

export interface TrainOptions {
  readonly model: ModelV1;
  readonly objective: TrainingObjective;
  readonly dataset: DatasetV1;
  /** Total number of steps of the run (a resumed run continues up to this count). */
  readonly steps: number;
  readonly batchSize: number;
  /** Seeds the data order and every random draw; a run is a pure function of its seed and config. */
  readonly seed?: number;
  readonly optimizer?: AdamOptions & {
    /** Clip the global gradient norm to this value (off when undefined). */
    readonly clipGradientNorm?: number;
  };
  readonly checkpoint?: {
    readonly store: CheckpointStore;
    /** Save every this many steps; the final step is always saved. */
    readonly every?: number;
    /** Continue from the store's newest checkpoint when there is one. */
    readonly resume?: boolean;
    /** Extra JSON saved with every checkpoint (model config, run description). */
    readonly metadata?: JSONObject;
  };
  readonly callbacks?: readonly TrainingCallbacks[];
  /** Abort (Ctrl-C): the loop stops after the current step and saves a checkpoint. */
  readonly signal?: AbortSignal;
}

export type TrainResult = TrainingEndEvent;

interface LoopState {
  step: number;
  epoch: number;
  batchInEpoch: number;
}

function validateOptions(options: TrainOptions): void {
  if (!Number.isInteger(options.steps) || options.steps < 0) {
    throw new InvalidArgumentError('steps', `must be an integer >= 0, got ${options.steps}`);
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new InvalidArgumentError('batchSize', `must be an integer >= 1, got ${options.batchSize}`);
  }
  const clip = options.optimizer?.clipGradientNorm;
  if (clip !== undefined && !(clip > 0)) throw new InvalidArgumentError('optimizer.clipGradientNorm', `must be > 0, got ${clip}`);
  const every = options.checkpoint?.every;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
    throw new InvalidArgumentError('checkpoint.every', `must be an integer >= 1, got ${every}`);
  }
}

function disposeBatch(batch: BatchV1): void {
  batch.inputs.dispose();
  batch.context?.dispose();
  batch.labels?.dispose();
}

/**
 * Trains `model` on `dataset` by minimising `objective` with Adam (Algorithm 1's step 5 for GECO). Handles
 * gradient-norm clipping, a NaN/Inf guard (stops with NonFiniteValueError before applying the bad update, so the
 * last checkpoint stays good), atomic checkpoints and exact resume (weights, Adam moments, objective state such
 * as multipliers and moving averages, step, data position; random draws are a function of (seed, step)).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  validateOptions(options);
  const { model, objective, dataset } = options;
  const seed = options.seed ?? 0;
  const callbacks = options.callbacks ?? [];
  const variables = [...model.trainableVariables, ...objective.trainableVariables];
  // Checkpoints also hold the model's non-trainable state (e.g. BILBO's moving prior variances).
  const savedVariables = [...variables, ...(model.nonTrainableVariables ?? [])];
  const variableNames = savedVariables.map((variable) => variable.name);
  const duplicateName = variableNames.find((name, index) => variableNames.indexOf(name) !== index);
  if (duplicateName !== undefined) {
    throw new InvalidArgumentError('model', `two variables are named '${duplicateName}'; checkpoints need unique names`);
  }
  const optimizer = createAdamOptimizer(options.optimizer);
  const loop: LoopState = { step: 0, epoch: 0, batchInEpoch: 0 };
  let lastCheckpoint: string | undefined;
  let resumedFrom: string | undefined;

  const store = options.checkpoint?.store;
  if (store !== undefined && options.checkpoint?.resume === true) {
    const latest = await store.loadLatest();
    if (latest !== undefined) {
      restoreCheckpoint(latest.checkpoint, latest.location);
      lastCheckpoint = latest.location;
      resumedFrom = latest.location;
    }
  }

  function restoreCheckpoint(checkpoint: TrainingCheckpoint, location: string): void {
    const byName = new Map(checkpoint.tensors.map((tensor) => [tensor.name, tensor]));
    for (const variable of savedVariables) {
      const saved = byName.get(variable.name);
      if (saved === undefined) throw new CheckpointError(location, `has no values for variable '${variable.name}'`);
      if (saved.shape.join(',') !== variable.shape.join(',')) {
        throw new CheckpointError(location, `variable '${variable.name}' has shape [${saved.shape}], the model expects [${variable.shape}]`);
      }
    }
    const state = checkpoint.state as {
      seed?: number;
      loop?: LoopState;
      objective?: JSONObject;
      optimizer?: { iterations: number };
    };
    if (state.loop === undefined || state.objective === undefined || state.optimizer === undefined) {
      throw new CheckpointError(location, 'is missing trainer state (loop, objective or optimizer)');
    }
    if (state.seed !== undefined && state.seed !== seed) {
      throw new CheckpointError(location, `was written by a run with seed ${state.seed}; this run has seed ${seed}`);
    }
    tf.tidy(() => {
      for (const variable of savedVariables) {
        const saved = byName.get(variable.name) as CheckpointTensor;
        variable.assign(tf.tensor(saved.values, [...saved.shape], 'float32'));
      }
    });
    const slots = new Map<string, tf.Tensor>();
    for (const tensor of checkpoint.tensors) {
      if (tensor.name.startsWith('adam/')) slots.set(tensor.name, tf.tensor(tensor.values, [...tensor.shape], 'float32'));
    }
    optimizer.setSlots(slots);
    for (const tensor of slots.values()) tensor.dispose();
    optimizer.setState(state.optimizer);
    objective.setState(state.objective);
    Object.assign(loop, state.loop);
  }

  async function saveCheckpoint(): Promise<void> {
    if (store === undefined) return;
    const tensors: CheckpointTensor[] = [
      ...savedVariables.map((variable) => ({ name: variable.name, shape: variable.shape, values: variable.dataSync() as Float32Array })),
      ...optimizer.slots().map(({ name, tensor }) => ({ name, shape: tensor.shape, values: tensor.dataSync() as Float32Array })),
    ];
    const checkpoint: TrainingCheckpoint = {
      step: loop.step,
      state: {
        seed,
        loop: { ...loop },
        objective: objective.getState(),
        optimizer: { ...optimizer.getState() },
        metadata: options.checkpoint?.metadata ?? {},
      },
      tensors,
    };
    lastCheckpoint = await store.save(checkpoint);
    for (const callback of callbacks) await callback.onCheckpoint?.({ step: loop.step, location: lastCheckpoint });
  }

  let iterator: AsyncIterator<BatchV1> | undefined;
  async function nextBatch(): Promise<BatchV1> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      iterator ??= dataset
        .batches({ split: 'train', batchSize: options.batchSize, seed, epoch: loop.epoch, startBatch: loop.batchInEpoch })
        [Symbol.asyncIterator]();
      const next = await iterator.next();
      if (!next.done) return next.value;
      iterator = undefined;
      loop.epoch += 1;
      loop.batchInEpoch = 0;
    }
    throw new InvalidArgumentError(
      'batchSize',
      `dataset '${dataset.info.name}' yields no training batch of ${options.batchSize} (it has ${dataset.info.count.train} training examples)`,
    );
  }

  for (const callback of callbacks) {
    await callback.onTrainStart?.({ step: loop.step, totalSteps: options.steps, ...(resumedFrom ? { resumedFrom } : {}) });
  }
  const warnedAtBound = new Set<string>();
  const started = performance.now();
  const firstStep = loop.step;
  let metrics: Record<string, number> = {};
  let reason: TrainingEndEvent['reason'] = 'completed';
  let savedAtStep = lastCheckpoint === undefined ? -1 : loop.step;

  try {
    while (loop.step < options.steps) {
      if (options.signal?.aborted) {
        reason = 'aborted';
        break;
      }
      const batch = await nextBatch();
      const kept: Record<string, tf.Tensor> = {};
      let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
      try {
        result = tf.variableGrads(() => {
          const output = model.forward(batch, { seed: stepSeed(seed, loop.step), training: true });
          const { loss, metrics: objectiveMetrics } = objective.computeLoss({ batch, output, step: loop.step });
          kept.kl = tf.keep(tf.mean(output.kl));
          for (const [name, value] of Object.entries(objectiveMetrics)) kept[name] = tf.keep(value);
          return loss;
        }, variables);
      } finally {
        disposeBatch(batch);
      }
      const gradients = variables.map((variable) => result.grads[variable.name] ?? tf.zerosLike(variable));
      const norm = globalNorm(gradients);
      const names = ['loss', 'gradientNorm', ...Object.keys(kept)];
      // One read-back per step for every logged scalar; asynchronous, so a GPU backend does not block a browser's
      // main thread on it (on wasm and cpu it costs the same as dataSync).
      const stacked = tf.tidy(() => tf.stack([result.value, norm, ...Object.values(kept)].map((tensor) => tf.reshape(tf.cast(tensor, 'float32'), []))));
      const values = await stacked.data();
      tf.dispose([stacked, norm]);
      result.value.dispose();
      for (const tensor of Object.values(kept)) tensor.dispose();
      const stepMetrics: Record<string, number> = Object.fromEntries(names.map((name, index) => [name, values[index] as number]));

      const nonFinite = Object.fromEntries(Object.entries(stepMetrics).filter(([, value]) => !Number.isFinite(value)));
      if (Object.keys(nonFinite).length > 0) {
        for (const gradient of gradients) gradient.dispose();
        throw new NonFiniteValueError(loop.step + 1, nonFinite, lastCheckpoint);
      }
      const clip = options.optimizer?.clipGradientNorm;
      if (clip !== undefined && stepMetrics.gradientNorm! > clip) {
        const clipped = clipByGlobalNorm(gradients, stepMetrics.gradientNorm!, clip);
        optimizer.applyGradients(variables, clipped);
        for (const gradient of clipped) gradient.dispose();
      } else {
        optimizer.applyGradients(variables, gradients);
      }
      for (const gradient of gradients) gradient.dispose();

      const objectiveMetrics = objective.afterStep({ step: loop.step, metrics: stepMetrics });
      const badMultiplier = Object.entries(objectiveMetrics).filter(([, value]) => !Number.isFinite(value));
      if (badMultiplier.length > 0) throw new NonFiniteValueError(loop.step + 1, Object.fromEntries(badMultiplier), lastCheckpoint);
      loop.step += 1;
      loop.batchInEpoch += 1;
      metrics = { ...stepMetrics, ...objectiveMetrics };

      for (const [name, value] of Object.entries(objectiveMetrics)) {
        if (name.endsWith('.atBound') && value === 1 && !warnedAtBound.has(name)) {
          warnedAtBound.add(name);
          const constraint = name.slice(0, -'.atBound'.length);
          const message = `step ${loop.step}: the multiplier of '${constraint}' sits at its bound (${objectiveMetrics[`${constraint}.multiplier`]}); consider wider bounds, gentler controller gains or a looser kappa`;
          for (const callback of callbacks) await callback.onWarning?.(message);
        }
      }
      const elapsedMilliseconds = performance.now() - started;
      const event: StepEvent = {
        step: loop.step,
        totalSteps: options.steps,
        metrics,
        elapsedMilliseconds,
        examplesPerSecond: ((loop.step - firstStep) * options.batchSize) / (elapsedMilliseconds / 1000),
      };
      for (const callback of callbacks) await callback.onStepEnd?.(event);
      const every = options.checkpoint?.every;
      if (every !== undefined && loop.step % every === 0) {
        await saveCheckpoint();
        savedAtStep = loop.step;
      }
    }
    if (savedAtStep !== loop.step) await saveCheckpoint();
  } finally {
    await iterator?.return?.();
    optimizer.dispose();
  }
  const end: TrainingEndEvent = { step: loop.step, reason, lastCheckpoint, metrics };
  for (const callback of callbacks) await callback.onTrainEnd?.(end);
  return end;
}
