import { describe, expect, it } from 'vitest';
import { multiplicativeUpdate, softplusSquaredUpdate } from './multiplier-update.js';

const bounds = { minimum: 1e-6, maximum: 1e6 };
const step = { learningRate: 0.1, bounds, maxLogStep: Number.POSITIVE_INFINITY };

describe('multiplicativeUpdate (Algorithm 1)', () => {
  it('computes lambda_t = lambda_{t-1} * exp(nu * C)', () => {
    let state = multiplicativeUpdate.initialState(1, bounds);
    expect(multiplicativeUpdate.multiplier(state)).toBe(1);
    state = multiplicativeUpdate.update(state, 2, step);
    expect(multiplicativeUpdate.multiplier(state)).toBeCloseTo(Math.exp(0.2), 12);
    state = multiplicativeUpdate.update(state, -0.5, step);
    expect(multiplicativeUpdate.multiplier(state)).toBeCloseTo(Math.exp(0.2) * Math.exp(-0.05), 12);
  });

  it('clamps to the bounds and clips log-steps when asked', () => {
    let state = multiplicativeUpdate.initialState(1, bounds);
    state = multiplicativeUpdate.update(state, 1e9, step);
    expect(multiplicativeUpdate.multiplier(state)).toBeCloseTo(1e6, 3);
    state = multiplicativeUpdate.update(multiplicativeUpdate.initialState(1, bounds), 1e9, { ...step, maxLogStep: 0.01 });
    expect(multiplicativeUpdate.multiplier(state)).toBeCloseTo(Math.exp(0.01), 12);
  });

  it('speeds up descent only while the constraint holds, clip included', () => {
    const start = multiplicativeUpdate.initialState(1, bounds);
    const options = { ...step, maxLogStep: 0.01, descentSpeedup: 10 };
    // Violated: the ordinary step exp(0.1 * 0.05) = exp(0.005).
    expect(multiplicativeUpdate.multiplier(multiplicativeUpdate.update(start, 0.05, options))).toBeCloseTo(Math.exp(0.005), 12);
    // Satisfied: 10 * 0.1 * -0.05 = -0.05, clipped at -10 * 0.01 = -0.1 so not clipped.
    expect(multiplicativeUpdate.multiplier(multiplicativeUpdate.update(start, -0.05, options))).toBeCloseTo(Math.exp(-0.05), 12);
    // Satisfied far below: clipped at -0.1.
    expect(multiplicativeUpdate.multiplier(multiplicativeUpdate.update(start, -50, options))).toBeCloseTo(Math.exp(-0.1), 12);
  });
});

describe('softplusSquaredUpdate (gradient ascent on lambda = softplus(w)^2)', () => {
  it('starts at the initial multiplier and steps along a numerical derivative of lambda(w)', () => {
    const state = softplusSquaredUpdate.initialState(2, bounds);
    expect(softplusSquaredUpdate.multiplier(state)).toBeCloseTo(2, 10);
    const parameter = state.parameter as number;
    const lambda = (w: number) => Math.log1p(Math.exp(w)) ** 2;
    const h = 1e-6;
    const derivative = (lambda(parameter + h) - lambda(parameter - h)) / (2 * h);
    const next = softplusSquaredUpdate.update(state, 0.3, step);
    expect(next.parameter as number).toBeCloseTo(parameter + 0.1 * 0.3 * derivative, 7);
    expect(softplusSquaredUpdate.multiplier(next)).toBeGreaterThan(2);
    expect(softplusSquaredUpdate.multiplier(softplusSquaredUpdate.update(state, -0.3, step))).toBeLessThan(2);
  });
});
