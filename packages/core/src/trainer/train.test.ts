import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createMemoryCheckpointStore } from '../checkpoint/checkpoint-store.js';
import { createFileCheckpointStore } from '../checkpoint/file-checkpoint-store.js';
import { InvalidArgumentError, NonFiniteValueError } from '../errors/tame-error.js';
import { createGecoObjective } from '../lagrangian/geco-objective.js';
import type { ConstraintV1 } from '../spec/constraint-v1.js';
import { createArrayDataset } from '../testing/array-dataset.js';
import { createTinyVae } from '../testing/tiny-vae.js';
import type { StepEvent } from './training-callbacks.js';
import { train } from './train.js';

const inputSize = 8;
function data(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count * inputSize }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  });
}

/** Per-image squared error minus kappa^2 (the RE constraint of Table 1), batch-averaged. */
const squaredError = (kappa: number): ConstraintV1 => ({
  specificationVersion: 'v1',
  id: 'test/re',
  name: 're',
  kappa,
  units: 'per-image RMS distance',
  evaluate: ({ batch, output }) => ({
    value: tf.tidy(() => tf.sub(tf.mean(tf.sum(tf.square(tf.sub(batch.inputs, output.reconstruction)), 1)), kappa * kappa) as tf.Scalar),
  }),
  dispose() {},
});

function setup(name: string) {
  const model = createTinyVae({ inputSize, latentSize: 2, hiddenSize: 6, seed: 3, name });
  const objective = createGecoObjective({ constraints: [squaredError(0.5)], controller: { kind: 'algorithm-1', learningRate: 0.05 } });
  const dataset = createArrayDataset({ train: data(40, 11), shape: [inputSize] });
  return { model, objective, dataset };
}

const weightsOf = (model: ReturnType<typeof createTinyVae>) => model.trainableVariables.map((variable) => Array.from(variable.dataSync()));

describe('train', () => {
  it('continues the exact trajectory after a resume: 20 steps + resume + 20 steps == 40 steps', async () => {
    const straight = setup('straight');
    const straightEvents: StepEvent[] = [];
    await train({ ...straight, steps: 40, batchSize: 8, seed: 5, callbacks: [{ onStepEnd: (event) => void straightEvents.push(event) }] });

    const directory = await mkdtemp(join(tmpdir(), 'tame-resume-'));
    const first = setup('first');
    await train({ ...first, steps: 20, batchSize: 8, seed: 5, checkpoint: { store: createFileCheckpointStore({ directory }), every: 7 } });
    first.model.dispose();
    // A fresh process: new model (different initial weights would be overwritten), new objective, new store object.
    const second = setup('first');
    const resumedEvents: StepEvent[] = [];
    const result = await train({
      ...second,
      steps: 40,
      batchSize: 8,
      seed: 5,
      checkpoint: { store: createFileCheckpointStore({ directory }), every: 7, resume: true },
      callbacks: [{ onStepEnd: (event) => void resumedEvents.push(event) }],
    });
    expect(result.step).toBe(40);
    expect(resumedEvents[0]!.step).toBe(21);
    expect(weightsOf(second.model)).toEqual(weightsOf(straight.model));
    expect(second.objective.getState()).toEqual(straight.objective.getState());
    expect(resumedEvents.map((event) => event.metrics)).toEqual(straightEvents.slice(20).map((event) => event.metrics));
    expect((await readdir(directory)).sort()).toEqual(['checkpoint-000000028.tame', 'checkpoint-000000035.tame', 'checkpoint-000000040.tame']);
    straight.model.dispose();
    second.model.dispose();
  });

  it('trains: the GECO loss terms move and the multiplier reacts to the constraint', async () => {
    const run = setup('learns');
    const events: StepEvent[] = [];
    await train({ ...run, steps: 30, batchSize: 8, seed: 1, optimizer: { learningRate: 0.02 }, callbacks: [{ onStepEnd: (event) => void events.push(event) }] });
    const first = events[0]!.metrics;
    const last = events.at(-1)!.metrics;
    expect(first['re.value']).toBeGreaterThan(0);
    expect(last['re.multiplier']).toBeGreaterThan(1);
    expect(last['re.movingAverage']).toBeLessThan(first['re.movingAverage']!);
    for (const key of ['loss', 'kl', 'gradientNorm', 're.value', 're.movingAverage', 're.multiplier']) expect(last).toHaveProperty(key);
    run.model.dispose();
  });

  it('keeps tf.memory().numTensors flat across steps', async () => {
    const run = setup('memory');
    const counts: number[] = [];
    await train({ ...run, steps: 12, batchSize: 8, seed: 2, optimizer: { clipGradientNorm: 0.1 }, callbacks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }] });
    expect(new Set(counts.slice(2)).size).toBe(1);
    run.model.dispose();
  });

  it('stops on a NaN with a clear error, before the update, and keeps the last good checkpoint', async () => {
    const values = data(40, 11);
    values[8 * 30 + 3] = Number.NaN;
    const run = { ...setup('nan'), dataset: createArrayDataset({ train: values, shape: [inputSize] }) };
    const store = createMemoryCheckpointStore();
    const error = await train({ ...run, steps: 50, batchSize: 8, seed: 5, checkpoint: { store, every: 1 } }).catch((caught) => caught);
    expect(error).toBeInstanceOf(NonFiniteValueError);
    expect(error.message).toMatch(/Non-finite value at step \d+ \(loss=NaN/);
    expect(error.message).toContain(`last good checkpoint is memory:${error.step - 1}`);
    const last = store.saved.at(-1)!;
    expect(last.step).toBe(error.step - 1);
    expect(last.tensors.every((tensor) => tensor.values.every(Number.isFinite))).toBe(true);
    expect(run.model.trainableVariables.every((variable) => Array.from(variable.dataSync()).every(Number.isFinite))).toBe(true);
    run.model.dispose();
  });

  it('saves a checkpoint and ends cleanly when aborted', async () => {
    const run = setup('abort');
    const controller = new AbortController();
    const store = createMemoryCheckpointStore();
    const result = await train({
      ...run,
      steps: 100,
      batchSize: 8,
      checkpoint: { store },
      signal: controller.signal,
      callbacks: [{ onStepEnd: (event) => (event.step === 3 ? controller.abort() : undefined) }],
    });
    expect(result).toMatchObject({ step: 3, reason: 'aborted', lastCheckpoint: 'memory:3' });
    run.model.dispose();
  });

  it('rejects bad options and datasets smaller than a batch with a clear message', async () => {
    const run = setup('bad');
    await expect(train({ ...run, steps: -1, batchSize: 8 })).rejects.toThrow(InvalidArgumentError);
    await expect(train({ ...run, steps: 2, batchSize: 64 })).rejects.toThrow(/yields no training batch of 64 \(it has 40 training examples\)/);
    run.model.dispose();
  });
});
