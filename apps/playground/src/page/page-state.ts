/** `data-status` on <body>: `training`, `done` and `error` are what scripts and tests wait for. */
export type PlaygroundStatus = 'loading' | 'idle' | 'training' | 'paused' | 'done' | 'error';

export interface PublishedState {
  readonly status: PlaygroundStatus;
  readonly backend: string;
  readonly step: number;
  readonly lambda: number;
  readonly kl: number;
  /** The kappa the last step trained against (a new kappa takes effect after the step it was set in). */
  readonly kappa: number;
  /** tf.memory().numTensors after the step (flat while training: nothing leaks across steps). */
  readonly tensors: number;
  /** Steps per second while training, not counting the first steps (shader compilation, wasm warm-up) or pauses. */
  readonly stepsPerSecond: number;
  readonly error: string;
}

/**
 * Exposes the page's state on <body> as data attributes (`data-status`, `data-backend`, `data-step`, `data-lambda`,
 * `data-kl`, `data-kappa`, `data-tensors`, `data-steps-per-second`, `data-error`), for scripts, tests and the curious.
 */
export function publishState(state: Partial<PublishedState>): void {
  const { dataset } = document.body;
  for (const [key, value] of Object.entries(state)) {
    dataset[key] = typeof value === 'number' ? formatNumber(value) : String(value);
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
