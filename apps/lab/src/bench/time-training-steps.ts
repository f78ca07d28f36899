import * as tf from '@tensorflow/tfjs-core';
import { createArrayDataset, train } from '@tame/core';
import { buildExperiment } from '../experiment/build-experiment.js';
import { experimentConfigSchema } from '../experiment/experiment-config.js';
import { type BenchModelId, benchExperiment } from './bench-models.js';

export interface StepTiming {
  /** Median wall time of a full training step (forward, objective, backward, optimizer, metric read-back). */
  readonly msPerStep: number;
  /** Tensors alive after the last timed step minus before the first: 0 when a step frees all it makes. */
  readonly tensorGrowth: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Deterministic images in [0, 1]: a step's cost does not depend on the pixel values. */
function benchImages(count: number): Float32Array {
  let state = 12345;
  return Float32Array.from({ length: count * 784 }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  });
}

/** A bench model built as `tame train` would build it, on deterministic images, ready to train for some steps. */
export interface BenchTraining {
  /** Trains `steps` steps of the bench's batch size through @tame/core's train() (a fresh optimizer each call). */
  train(steps: number, callbacks?: TrainCallbacks): Promise<void>;
  dispose(): void;
}

type TrainCallbacks = NonNullable<Parameters<typeof train>[0]['callbacks']>;

export function prepareBenchTraining(model: BenchModelId, batchSize: number): BenchTraining {
  const config = experimentConfigSchema.parse(benchExperiment(model, batchSize));
  const dataset = createArrayDataset({ name: 'bench', train: benchImages(2 * batchSize), shape: [28, 28, 1] });
  const experiment = buildExperiment(config, dataset);
  return {
    async train(steps, callbacks = []) {
      await train({
        model: experiment.model,
        objective: experiment.objective,
        dataset,
        steps,
        batchSize,
        seed: config.training.seed,
        optimizer: { learningRate: config.training.learningRate, clipGradientNorm: config.training.clipGradientNorm },
        callbacks,
      });
    },
    dispose: () => experiment.dispose(),
  };
}

/**
 * Trains `model` for warmup + steps steps of `batchSize` on the active backend (the trainer every run uses), and
 * times each step from one onStepEnd to the next.
 */
export async function timeTrainingSteps(options: { model: BenchModelId; batchSize: number; warmup: number; steps: number }): Promise<StepTiming> {
  const training = prepareBenchTraining(options.model, options.batchSize);
  const durations: number[] = [];
  let last = performance.now();
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  try {
    await training.train(options.warmup + options.steps, [
      {
        onTrainStart() {
          tensorsBefore = tf.memory().numTensors;
          last = performance.now();
        },
        onStepEnd(event) {
          const now = performance.now();
          if (event.step > options.warmup) durations.push(now - last);
          if (event.step === options.warmup) tensorsBefore = tf.memory().numTensors;
          // Read at the last step: train() then frees the optimizer's state, which a step must not.
          if (event.step === event.totalSteps) tensorsAfter = tf.memory().numTensors;
          last = now;
        },
      },
    ]);
    return { msPerStep: median(durations), tensorGrowth: tensorsAfter - tensorsBefore };
  } finally {
    training.dispose();
  }
}
