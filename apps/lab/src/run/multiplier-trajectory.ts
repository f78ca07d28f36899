import { measureControllerTrajectory } from '@tame/core';
import type { MetricsRow } from '../report/run-report.js';

/** How a run's multiplier behaved, read from its metrics.jsonl (at the logged steps only). */
export interface MultiplierTrajectorySummary {
  readonly peakMultiplier: number;
  readonly peakStep: number;
  /** First logged step whose moving-average violation is <= 0; null when kappa was never met. */
  readonly firstFeasibleStep: number | null;
  /** Largest over-satisfaction after first feasibility, as a fraction of the error budget (0.1 = 10% below budget). */
  readonly overshoot: number;
  /** Logged steps after which |violation| stays within 5% of the budget; null when it never settles. */
  readonly settlingStep: number | null;
  readonly signChanges: number;
  readonly finalMultiplier: number;
  /** peak / final lambda: 1 means lambda never overshot where it ended. */
  readonly peakOverFinal: number;
}

/**
 * Reads `<name>.multiplier` and `<name>.violation` (C_ma over the error budget, logged by GECO) from metrics rows and
 * measures them as the controller test plant does. Rows without the violation (runs from before tame 0.2) are skipped.
 */
export function summarizeMultiplierTrajectory(rows: readonly MetricsRow[], constraintName: string): MultiplierTrajectorySummary | null {
  const logged = rows.filter(
    (row) => typeof row[`${constraintName}.multiplier`] === 'number' && typeof row[`${constraintName}.violation`] === 'number',
  );
  if (logged.length === 0) return null;
  const multipliers = logged.map((row) => row[`${constraintName}.multiplier`] as number);
  const violations = logged.map((row) => row[`${constraintName}.violation`] as number);
  const finalMultiplier = multipliers[multipliers.length - 1] as number;
  const measured = measureControllerTrajectory({ multipliers, violations }, { equilibriumMultiplier: finalMultiplier });
  const stepAt = (index: number | null) => (index === null ? null : (logged[index] as MetricsRow).step);
  return {
    peakMultiplier: measured.peakMultiplier,
    peakStep: stepAt(measured.peakStep) as number,
    firstFeasibleStep: stepAt(measured.firstFeasibleStep),
    overshoot: measured.overshoot,
    settlingStep: stepAt(measured.settlingStep),
    signChanges: measured.signChanges,
    finalMultiplier,
    peakOverFinal: measured.peakOverEquilibrium,
  };
}
