import { type DatasetV1, type ModelV1, type StepEvent, type TrainingObjective, type TrainResult, train } from '@tame/core';
import { yieldToBrowser } from './yield-to-browser.js';

export interface TrainingRunOptions {
  readonly model: ModelV1;
  readonly objective: TrainingObjective;
  readonly dataset: DatasetV1;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Called after every step, before the page yields to the browser; may be async (it is awaited). */
  readonly onStep: (event: StepEvent) => void | Promise<void>;
}

export interface TrainingRun {
  /** Resolves when the steps are done or after `stop()`; rejects with the training error. */
  readonly finished: Promise<TrainResult>;
  readonly isPaused: () => boolean;
  pause(): void;
  resume(): void;
  /** Ends the run after the current step (also when paused). */
  stop(): void;
}

/**
 * Runs @tame/core's `train()` in the page, one step per task: its `onStepEnd` callback is awaited, so the callback
 * hands control to the browser after each step (the page stays responsive) and holds the loop while paused.
 * The abort signal ends it after the current step.
 */
export function startTrainingRun(options: TrainingRunOptions): TrainingRun {
  const abort = new AbortController();
  let paused = false;
  let release: (() => void) | undefined;
  const finished = train({
    model: options.model,
    objective: options.objective,
    dataset: options.dataset,
    steps: options.steps,
    batchSize: options.batchSize,
    seed: options.seed,
    optimizer: { learningRate: options.learningRate },
    signal: abort.signal,
    callbacks: [
      {
        async onStepEnd(event) {
          await options.onStep(event);
          await yieldToBrowser();
          while (paused && !abort.signal.aborted) await new Promise<void>((resolve) => (release = resolve));
        },
      },
    ],
  });
  const wake = () => {
    release?.();
    release = undefined;
  };
  return {
    finished,
    isPaused: () => paused,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      wake();
    },
    stop: () => {
      abort.abort();
      wake();
    },
  };
}
