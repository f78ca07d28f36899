export interface StepEvent {
  /** Completed steps, 1 after the first step. */
  readonly step: number;
  readonly totalSteps: number;
  /** loss, kl, gradientNorm and the objective's metrics (e.g. re.movingAverage, re.multiplier). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Training throughput over this run so far (excludes time spent restoring). */
  readonly examplesPerSecond: number;
  readonly elapsedMilliseconds: number;
}

export interface TrainingEndEvent {
  readonly step: number;
  readonly reason: 'completed' | 'aborted';
  readonly lastCheckpoint: string | undefined;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Hooks into the training loop: plain objects, composed as an array (like tRPC links). Every member is optional.
 * Callbacks may be async; the trainer awaits them.
 */
export interface TrainingCallbacks {
  onTrainStart?(event: { readonly step: number; readonly totalSteps: number; readonly resumedFrom?: string }): void | Promise<void>;
  onStepEnd?(event: StepEvent): void | Promise<void>;
  onCheckpoint?(event: { readonly step: number; readonly location: string }): void | Promise<void>;
  onWarning?(message: string): void | Promise<void>;
  onTrainEnd?(event: TrainingEndEvent): void | Promise<void>;
}
