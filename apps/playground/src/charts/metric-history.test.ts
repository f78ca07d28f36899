import { describe, expect, it } from 'vitest';
import { createMetricHistory } from './metric-history.js';

const point = (step: number) => ({ step, kl: step, error: 0.2, batchError: 0.2, lambda: 1, kappa: 0.1 });

describe('metric history', () => {
  it('smooths the KL exponentially from the first value', () => {
    const history = createMetricHistory(100, 0.5);
    expect(history.push({ ...point(1), kl: 4 }).klSmoothed).toBe(4);
    expect(history.push({ ...point(2), kl: 8 }).klSmoothed).toBe(6);
    history.clear();
    expect(history.points()).toEqual([]);
    expect(history.push({ ...point(1), kl: 2 }).klSmoothed).toBe(2);
  });

  it('stays within its limit by halving old resolution, keeping the first and the newest step', () => {
    const history = createMetricHistory(10);
    for (let step = 1; step <= 1000; step += 1) history.push(point(step));
    const steps = history.points().map(({ step }) => step);
    expect(steps.length).toBeLessThanOrEqual(10);
    expect(steps[0]).toBe(1);
    expect(steps.at(-1)).toBe(1000);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });
});
