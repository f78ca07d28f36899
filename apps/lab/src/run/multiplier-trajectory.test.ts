import { describe, expect, it } from 'vitest';
import type { MetricsRow } from '../report/run-report.js';
import { summarizeMultiplierTrajectory } from './multiplier-trajectory.js';

describe('summarizeMultiplierTrajectory', () => {
  it('reads the logged multiplier and violation and reports steps, not row indices (by hand)', () => {
    const rows: MetricsRow[] = [
      { step: 10, 're.multiplier': 2, 're.violation': 0.8 },
      { step: 20, 're.multiplier': 9, 're.violation': 0.1 },
      { step: 30, 're.multiplier': 6, 're.violation': -0.2 },
      { step: 35, loss: 1 },
      { step: 40, 're.multiplier': 3, 're.violation': 0.02 },
      { step: 50, 're.multiplier': 3, 're.violation': -0.01 },
    ];
    expect(summarizeMultiplierTrajectory(rows, 're')).toEqual({
      peakMultiplier: 9,
      peakStep: 20,
      firstFeasibleStep: 30,
      overshoot: 0.2,
      settlingStep: 40,
      signChanges: 1,
      finalMultiplier: 3,
      peakOverFinal: 3,
    });
  });

  it('is null for runs that logged no violation (ELBO runs, runs from before tame 0.2)', () => {
    expect(summarizeMultiplierTrajectory([{ step: 1, 're.multiplier': 2 }], 're')).toBeNull();
  });
});
