import { createPatchNccConstraint, createReconstructionErrorConstraint } from '@tame/constraints';
import { describe, expect, it } from 'vitest';
import { checkConstraint, describeConstraint, describeTolerance, violationTolerance } from './constraint-status.js';

// RE on MNIST: C = D (RMSE^2 - kappa^2) per image, D = 784, so C / (D kappa^2) = (RMSE / kappa)^2 - 1.
const dimensions = 784;
const kappa = 0.1;
const re = createReconstructionErrorConstraint({ kappa, dimensions });
const constraintAt = (rmse: number) => dimensions * (rmse * rmse - kappa * kappa);

describe('checkConstraint', () => {
  it('puts the RE boundary at RMSE kappa * sqrt(1.02), about 1% above kappa', () => {
    // By hand: 0.10002 -> (1.0002)^2 - 1 = 0.0004 <= 0.02; 0.1011 -> (1.011)^2 - 1 = 0.0221 > 0.02; 0.0999 -> C < 0.
    expect(checkConstraint(re, constraintAt(0.10002))).toMatchObject({ status: 'at-kappa', value: expect.closeTo(0.10002, 10) });
    expect(checkConstraint(re, constraintAt(0.10002)).violation).toBeCloseTo(0.00040004, 10);
    expect(checkConstraint(re, constraintAt(0.1011))).toMatchObject({ status: 'violated' });
    expect(checkConstraint(re, constraintAt(0.1011)).violation).toBeCloseTo(0.022121, 8);
    expect(checkConstraint(re, constraintAt(0.0999))).toMatchObject({ status: 'satisfied' });
    expect(checkConstraint(re, 0).status).toBe('satisfied');
    const { tolerance } = checkConstraint(re, constraintAt(0.10002));
    expect(tolerance).toEqual({ rule: 'violation', amount: violationTolerance, limit: expect.closeTo(0.1 * Math.sqrt(1.02), 12) });
    expect(describeTolerance(kappa, tolerance!)).toBe('within 1%');
    // Either side of the limit itself.
    expect(checkConstraint(re, constraintAt(0.100994)).status).toBe('at-kappa');
    expect(checkConstraint(re, constraintAt(0.100996)).status).toBe('violated');
  });

  it('for a lower bound (pNCC) the budget is the tolerated shortfall 1 - kappa', () => {
    // kappa 0.5: the budget is 0.5, so the mean NCC may fall to 0.5 - 0.02 * 0.5 = 0.49 (2% below kappa).
    const pncc = createPatchNccConstraint({ kappa: 0.5 });
    expect(checkConstraint(pncc, 0.5 - 0.495)).toMatchObject({ status: 'at-kappa', value: expect.closeTo(0.495, 12), violation: expect.closeTo(0.01, 12) });
    expect(checkConstraint(pncc, 0.5 - 0.48)).toMatchObject({ status: 'violated' });
    expect(checkConstraint(pncc, 0.5 - 0.6)).toMatchObject({ status: 'satisfied' });
    const { tolerance } = checkConstraint(pncc, 0.1);
    expect(tolerance!.limit).toBeCloseTo(0.49, 12);
    expect(describeTolerance(0.5, tolerance!)).toBe('within 2%');
  });

  it('without violationScale compares in kappa units within 1%, and without toUnits only says satisfied or violated', () => {
    // A constraint that states RMSE but no budget: toUnits(C) = sqrt(C / D + kappa^2).
    const noScale = { kappa, toUnits: re.toUnits! };
    expect(checkConstraint(noScale, constraintAt(0.1009))).toMatchObject({ status: 'at-kappa', violation: null, tolerance: { rule: 'relative', amount: 0.01, limit: expect.closeTo(0.101, 12) } });
    expect(checkConstraint(noScale, constraintAt(0.1011)).status).toBe('violated');
    expect(checkConstraint(noScale, constraintAt(0.0999)).status).toBe('satisfied');
    const bare = { kappa };
    expect(checkConstraint(bare, 1e-9)).toEqual({ constraintValue: 1e-9, status: 'violated', value: null, violation: null, tolerance: null });
    expect(checkConstraint(bare, -1)).toMatchObject({ status: 'satisfied', tolerance: null });
    // RE before it has seen a batch knows neither its budget nor its units.
    expect(checkConstraint(createReconstructionErrorConstraint({ kappa }), 1)).toMatchObject({ status: 'violated', value: null, tolerance: null });
  });
});

describe('describeConstraint', () => {
  const statement = (rmse: number) => ({ name: 're', units: re.units, kappa, ...checkConstraint(re, constraintAt(rmse)) });

  it('states the figure against kappa with the tolerance and the unit-free violation', () => {
    expect(describeConstraint(statement(0.10008), { figure: 'C_ma', multiplier: 12.34 })).toBe('re per-pixel RMSE 0.1001 at κ 0.1 (within 1%; C_ma/budget 0.0016, λ 12.3)');
    expect(describeConstraint(statement(0.099), { figure: 'C_ma', multiplier: 0.95 })).toBe('re per-pixel RMSE 0.0990 <= κ 0.1 (satisfied; C_ma/budget -0.02, λ 0.950)');
    expect(describeConstraint(statement(0.113), { figure: 'C' })).toBe('re per-pixel RMSE 0.1130 > κ 0.1 (violated: beyond 1%; C/budget 0.28)');
  });

  it('turns the comparison round for a lower bound and shows C itself where there is no budget', () => {
    const pncc = createPatchNccConstraint({ kappa: 0.5, patchSize: 7 });
    const at = (ncc: number) => ({ name: 'pncc', units: pncc.units, kappa: 0.5, ...checkConstraint(pncc, 0.5 - ncc) });
    expect(describeConstraint(at(0.45), { figure: 'C_ma' })).toBe('pncc mean NCC 0.4500 < κ 0.5 (violated: beyond 2%; C_ma/budget 0.1)');
    expect(describeConstraint(at(0.6), { figure: 'C_ma' })).toBe('pncc mean NCC 0.6000 >= κ 0.5 (satisfied; C_ma/budget -0.2)');
    expect(describeConstraint({ name: 'x', units: 'things', kappa: 2, ...checkConstraint({ kappa: 2 }, 0.31) }, { figure: 'C_ma', multiplier: 3 })).toBe('x vs κ 2 (violated; C_ma 0.31, λ 3.00)');
  });
});
