import type { ConstraintV1 } from '@tame/core';

/**
 * How tame states a constraint against κ: the one place the tolerance is defined.
 *
 * GECO drives a constraint's moving average to C = 0 and then hovers there, so a run that met its constraint ends a
 * hair either side of κ; calling RMSE 0.10002 against κ 0.1 a violation would report noise. For a constraint value C
 * (C <= 0 means satisfied):
 * - 'satisfied' when C <= 0;
 * - 'at-kappa' when 0 < C / violationScale() <= violationTolerance = 0.02, i.e. at most 2% of the error budget κ
 *   allows. For RE and FRE, C / scale = MSE / κ² − 1, so this is RMSE <= κ·sqrt(1.02) ≈ 1.00995 κ: RMSE within 1% of
 *   κ, since (1.01)² − 1 ≈ 0.02. For CLA and pNCC the budget is the tolerated shortfall 1 − κ (accuracy or NCC down to
 *   κ − 0.02 (1 − κ); κ 0.95: 0.949);
 * - 'violated' otherwise.
 * Where a constraint has no violationScale (or does not know it yet), the comparison is in κ's units: at κ when
 * toUnits(C) is within relativeTolerance = 1% of |κ|. Without toUnits (or with κ = 0) there is no tolerance: only
 * 'satisfied' or 'violated'.
 */
export const violationTolerance = 0.02;
/** The fallback tolerance in κ's units, relative to |κ|, for constraints without violationScale. */
export const relativeTolerance = 0.01;
/** The rule in one sentence, for reports. */
export const toleranceRule =
  'At κ: C > 0 by at most 2% of the error budget κ allows (RE, FRE: RMSE within 1% of κ); without a budget, within 1% of κ in its units';

export type ConstraintStatus = 'satisfied' | 'at-kappa' | 'violated';

export interface ConstraintTolerance {
  /** 'violation': C / violationScale() <= amount; 'relative': |toUnits(C) − κ| <= amount · |κ|. */
  readonly rule: 'violation' | 'relative';
  readonly amount: number;
  /** The value in κ's units at the edge of the tolerance (RE at κ 0.1: 0.100995); null where it cannot be converted. */
  readonly limit: number | null;
}

export interface ConstraintCheck {
  /** C itself, in the constraint's internal units (RE: per-image squared error minus D κ²). */
  readonly constraintValue: number;
  readonly status: ConstraintStatus;
  /** C in κ's units (toUnits(C), e.g. RMSE); null without toUnits. */
  readonly value: number | null;
  /** C / violationScale(): the unit-free violation (RE: MSE / κ² − 1); null without a scale. */
  readonly violation: number | null;
  readonly tolerance: ConstraintTolerance | null;
}

export type CheckedConstraint = Pick<ConstraintV1, 'kappa'> & Partial<Pick<ConstraintV1, 'toUnits' | 'violationScale'>>;

const finiteOrNull = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value : null);

/** The status of constraint value C (a batch value, a moving average or a test-set mean) against κ. */
export function checkConstraint(constraint: CheckedConstraint, constraintValue: number): ConstraintCheck {
  const { kappa } = constraint;
  const toUnits = constraint.toUnits?.bind(constraint);
  const value = finiteOrNull(toUnits?.(constraintValue));
  const scale = finiteOrNull(constraint.violationScale?.());
  if (scale !== null && scale > 0) {
    const violation = constraintValue / scale;
    const tolerance = { rule: 'violation', amount: violationTolerance, limit: finiteOrNull(toUnits?.(violationTolerance * scale)) } as const;
    const status = constraintValue <= 0 ? 'satisfied' : violation <= violationTolerance ? 'at-kappa' : 'violated';
    return { constraintValue, status, value, violation, tolerance };
  }
  if (value !== null && kappa !== 0) {
    // The side of κ that violates: where a small positive C lands (RE above κ, CLA below).
    const direction = Math.sign((toUnits?.(1) ?? kappa) - kappa) || 1;
    const tolerance = { rule: 'relative', amount: relativeTolerance, limit: kappa + direction * relativeTolerance * Math.abs(kappa) } as const;
    const status = constraintValue <= 0 ? 'satisfied' : Math.abs(value - kappa) <= relativeTolerance * Math.abs(kappa) ? 'at-kappa' : 'violated';
    return { constraintValue, status, value, violation: null, tolerance };
  }
  return { constraintValue, status: constraintValue <= 0 ? 'satisfied' : 'violated', value, violation: null, tolerance: null };
}

/** Met: satisfied or at κ within the tolerance (what `constraintsSatisfied` means). */
export const isMet = (status: ConstraintStatus) => status !== 'violated';

/** The units up to their first qualifier, for one-line statements ('accuracy of mnist-classifier (...)' -> 'accuracy'). */
export const shortUnits = (units: string) => units.split(/ of | \(|, /)[0]!.trim();

const percent = (fraction: number) => `${Number((fraction * 100).toPrecision(fraction < 0.01 ? 1 : 2))}%`;

/** The tolerance in words: 'within 1%' (of κ, in κ's units) or 'within 2% of the error budget'. */
export function describeTolerance(kappa: number, tolerance: ConstraintTolerance): string {
  if (tolerance.rule === 'relative') return `within ${percent(tolerance.amount)}`;
  if (tolerance.limit !== null && kappa !== 0) return `within ${percent(Math.abs(tolerance.limit - kappa) / Math.abs(kappa))}`;
  return `within ${percent(tolerance.amount)} of the error budget`;
}

/** What a statement about one constraint needs: a check (C optional, summary.json keeps only C / scale) and names. */
export interface ConstraintStatement extends Omit<ConstraintCheck, 'constraintValue'> {
  readonly constraintValue?: number;
  readonly name: string;
  readonly units: string;
  readonly kappa: number;
}

const figure = (value: number) => String(Number(value.toPrecision(2)));

/**
 * One constraint against κ, e.g. 're per-pixel RMSE 0.1001 at κ 0.1 (within 1%; C_ma/budget 0.0016, λ 12.3)'.
 * `figure` names what was checked (C_ma: the moving average, C: a test-set mean), shown as the unit-free violation or,
 * where there is no budget to divide by, as C itself; `multiplier` is GECO's λ.
 */
export function describeConstraint(statement: ConstraintStatement, options: { readonly figure: string; readonly multiplier?: number | null }): string {
  const { name, units, kappa, status, value, violation, tolerance, constraintValue } = statement;
  let head = `${name} vs κ ${kappa}`;
  if (value !== null) {
    const comparison = status === 'at-kappa' ? 'at' : status === 'satisfied' ? (value <= kappa ? '<=' : '>=') : value > kappa ? '>' : '<';
    head = `${name} ${shortUnits(units)} ${value.toFixed(4)} ${comparison} κ ${kappa}`;
  }
  const verdict =
    status === 'satisfied'
      ? 'satisfied'
      : tolerance === null
        ? status
        : status === 'at-kappa'
          ? describeTolerance(kappa, tolerance)
          : `violated: beyond ${describeTolerance(kappa, tolerance).replace(/^within /, '')}`;
  const figures = [
    violation !== null ? `${options.figure}/budget ${figure(violation)}` : constraintValue === undefined ? undefined : `${options.figure} ${figure(constraintValue)}`,
    options.multiplier === undefined || options.multiplier === null ? undefined : `λ ${options.multiplier.toPrecision(3)}`,
  ].filter((part) => part !== undefined);
  return `${head} (${verdict}${figures.length > 0 ? `; ${figures.join(', ')}` : ''})`;
}
