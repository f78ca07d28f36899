import type { StepEvent, TrainingCallbacks } from '@tame/core';

export interface ProgressReporterOptions {
  /** One JSON object per logged step instead of the human-readable line. */
  readonly json: boolean;
  /** Print every this many steps (the TTY line refreshes every step). */
  readonly every: number;
  /** Converts a constraint's value back to its units (per-pixel RMSE for RE), by constraint name. */
  readonly toUnits?: Readonly<Record<string, (value: number) => number>>;
  readonly write?: (text: string) => void;
}

export const formatDuration = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '?';
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  return minutes > 0 ? `${minutes}m${String(total % 60).padStart(2, '0')}s` : `${total}s`;
};

/** Progress of a training run: a refreshing status line on a terminal, plain lines in logs, or JSON lines. */
export function createProgressReporter(options: ProgressReporterOptions): TrainingCallbacks {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const interactive = !options.json && process.stdout.isTTY === true;
  let startStep = 0;
  const describe = (event: StepEvent) => {
    const { metrics } = event;
    const parts = [`step ${event.step}/${event.totalSteps}`, `loss ${metrics.loss?.toFixed(2)}`, `KL ${metrics.kl?.toFixed(2)}`];
    for (const [name, convert] of Object.entries(options.toUnits ?? {})) {
      const average = metrics[`${name}.movingAverage`];
      if (average !== undefined) parts.push(`${name} ${convert(average).toFixed(4)}`);
      const multiplier = metrics[`${name}.multiplier`];
      if (multiplier !== undefined) parts.push(`λ ${multiplier.toPrecision(3)}`);
    }
    const remaining = ((event.totalSteps - event.step) * event.elapsedMilliseconds) / Math.max(1, event.step - startStep) / 1000;
    parts.push(`${event.examplesPerSecond.toFixed(0)} img/s`, `ETA ${formatDuration(remaining)}`);
    return parts.join(' | ');
  };
  return {
    onTrainStart(event) {
      startStep = event.step;
      if (!options.json && event.resumedFrom !== undefined) write(`resumed from ${event.resumedFrom} at step ${event.step}\n`);
    },
    onStepEnd(event) {
      const logged = event.step % options.every === 0 || event.step === event.totalSteps;
      if (options.json) {
        if (logged) write(`${JSON.stringify({ step: event.step, ...event.metrics, imagesPerSecond: event.examplesPerSecond })}\n`);
      } else if (interactive) {
        write(`\r\x1b[K${describe(event)}`);
        if (event.step === event.totalSteps) write('\n');
      } else if (logged) {
        write(`${describe(event)}\n`);
      }
    },
    onWarning(message) {
      process.stderr.write(`${interactive ? '\n' : ''}warning: ${message}\n`);
    },
    onCheckpoint(event) {
      if (!options.json && !interactive && event.step % (options.every * 10) === 0) write(`checkpoint ${event.location}\n`);
    },
  };
}
