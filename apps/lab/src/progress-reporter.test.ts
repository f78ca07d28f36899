import { describe, expect, it } from 'vitest';
import { createProgressReporter, formatDuration } from './progress-reporter.js';

describe('progress reporter', () => {
  it('formats durations without a 60-second minute', () => {
    expect([formatDuration(5.4), formatDuration(59.6), formatDuration(119.6), formatDuration(3600), formatDuration(Number.NaN)]).toEqual(['5s', '1m00s', '2m00s', '60m00s', '?']);
  });

  it('prints one JSON object per logged step with --json', async () => {
    const lines: string[] = [];
    const reporter = createProgressReporter({ json: true, every: 2, write: (text) => void lines.push(text) });
    for (const step of [1, 2, 3]) {
      await reporter.onStepEnd?.({ step, totalSteps: 3, metrics: { loss: step, kl: 1 }, elapsedMilliseconds: 10 * step, examplesPerSecond: 100 } as never);
    }
    expect(lines.map((line) => JSON.parse(line).step)).toEqual([2, 3]);
    expect(JSON.parse(lines[0]!)).toEqual({ step: 2, loss: 2, kl: 1, imagesPerSecond: 100 });
  });
});
