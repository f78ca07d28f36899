import { describe, expect, it } from 'vitest';
import type { MultiplierController } from './multiplier-controller.js';
import { controllerFor, multiplierControllerConfigSchema, multiplierControllers } from './multiplier-controllers.js';

const bounds = { minimum: 1e-6, maximum: 1e6 };

/** Runs a controller config through a list of (raw constraint, unit-free violation) pairs; returns log lambda per step. */
function run(config: unknown, inputs: ReadonlyArray<readonly [number, number]>, initialMultiplier = 1): number[] {
  const options = multiplierControllerConfigSchema.parse(config);
  const controller = controllerFor(options);
  let state = controller.initialState(initialMultiplier, options, bounds);
  return inputs.map(([constraint, violation]) => {
    state = controller.update(state, { constraint, violation, bounds }, options);
    return Math.log(controller.multiplier(state, options));
  });
}

describe('algorithm-1 (Taming VAEs, Algorithm 1)', () => {
  it('computes lambda_t = lambda_{t-1} exp(nu C_ma) on the raw constraint, ignoring the unit-free violation', () => {
    const logs = run({ kind: 'algorithm-1', learningRate: 0.1 }, [[2, 99], [-0.5, 99]]);
    expect(logs[0]).toBeCloseTo(0.2, 12);
    expect(logs[1]).toBeCloseTo(0.2 - 0.05, 12);
  });

  it('clamps to the bounds', () => {
    expect(Math.exp(run({ kind: 'algorithm-1' }, [[1e9, 0]])[0]!)).toBeCloseTo(1e6, 3);
  });
});

describe('asymmetric (rate limit up, faster down)', () => {
  const options = { kind: 'asymmetric', gain: 0.1, maxLogStep: 0.01, descentSpeedup: 10 };
  it('steps gain * e, clipped; sped up (clip included) only while the constraint holds', () => {
    expect(run(options, [[0, 0.05]])[0]).toBeCloseTo(0.005, 12);
    expect(run(options, [[0, 5]])[0]).toBeCloseTo(0.01, 12);
    // Satisfied: 10 * 0.1 * -0.05 = -0.05, inside the sped-up clip of 0.1.
    expect(run(options, [[0, -0.05]])[0]).toBeCloseTo(-0.05, 12);
    expect(run(options, [[0, -0.5]])[0]).toBeCloseTo(-0.1, 12);
  });
});

describe('pi (nuPI on log lambda)', () => {
  it('adds K_I e + K_P (xi_t - xi_{t-1}), with no P kick on the first step (by hand)', () => {
    const logs = run({ kind: 'pi', integralGain: 0.01, proportionalGain: 2, smoothing: 0 }, [[0, 0.5], [0, 0.3], [0, -0.2]]);
    expect(logs[0]).toBeCloseTo(0.005, 12);
    expect(logs[1]).toBeCloseTo(0.005 + 0.003 + 2 * (0.3 - 0.5), 12);
    expect(logs[2]).toBeCloseTo(0.005 + 0.003 + 2 * (0.3 - 0.5) - 0.002 + 2 * (-0.2 - 0.3), 12);
  });

  it('telescopes: u_T = u_0 + K_I sum(e) + K_P (e_T - e_0) for any violation sequence inside the limit', () => {
    const violations = Array.from({ length: 200 }, (_, step) => 0.8 * Math.cos(step / 7) * Math.exp(-step / 90));
    const logs = run({ kind: 'pi', integralGain: 0.003, proportionalGain: 1.5 }, violations.map((value) => [0, value] as const), 2);
    const sum = violations.reduce((total, value) => total + value, 0);
    expect(logs[199]).toBeCloseTo(Math.log(2) + 0.003 * sum + 1.5 * (violations[199]! - violations[0]!), 10);
  });

  it('smooths the P term with nu and clips violations to +-violationLimit', () => {
    const logs = run({ kind: 'pi', integralGain: 0.01, proportionalGain: 1, smoothing: 0.5, violationLimit: 1 }, [[0, 7], [0, 0]]);
    // e_0 = clip(7) = 1, xi_0 = 1; e_1 = 0, xi_1 = 0.5: u_1 = 0.01 * 1 + 0 + 1 * (0.5 - 1).
    expect(logs[0]).toBeCloseTo(0.01, 12);
    expect(logs[1]).toBeCloseTo(0.01 - 0.5, 12);
  });
});

describe('pid (positional, Stooke et al. 2020)', () => {
  it('is I + K_P xi + K_D max(0, rise of xi), with only the integral accumulating (by hand)', () => {
    const options = { kind: 'pid', integralGain: 0.1, proportionalGain: 2, derivativeGain: 3, smoothing: 0 };
    const logs = run(options, [[0, 0.2], [0, 0.5], [0, 0.1]]);
    expect(logs[0]).toBeCloseTo(0.02 + 0.4, 12);
    expect(logs[1]).toBeCloseTo(0.02 + 0.05 + 1.0 + 3 * 0.3, 12);
    expect(logs[2]).toBeCloseTo(0.02 + 0.05 + 0.01 + 0.2, 12);
  });

  it('clamps the integral at the bounds, so it unwinds at once when the violation turns', () => {
    const options = { kind: 'pid', integralGain: 1, proportionalGain: 0, smoothing: 0 };
    const logs = run(options, [...Array.from({ length: 40 }, () => [0, 1] as const), [0, -1]]);
    expect(logs[39]).toBeCloseTo(Math.log(1e6), 10);
    expect(logs[40]).toBeCloseTo(Math.log(1e6) - 1, 10);
  });
});

describe('softplus-squared (Sonnet)', () => {
  it('steps w along a numerical derivative of lambda(w) = softplus(w)^2', () => {
    const options = multiplierControllerConfigSchema.parse({ kind: 'softplus-squared', learningRate: 0.1 });
    const controller = controllerFor(options);
    const state = controller.initialState(2, options, bounds);
    expect(controller.multiplier(state, options)).toBeCloseTo(2, 10);
    const parameter = state.parameter as number;
    const lambda = (w: number) => Math.log1p(Math.exp(w)) ** 2;
    const derivative = (lambda(parameter + 1e-6) - lambda(parameter - 1e-6)) / 2e-6;
    const next = controller.update(state, { constraint: 0.3, violation: 0, bounds }, options);
    expect(next.parameter as number).toBeCloseTo(parameter + 0.1 * 0.3 * derivative, 7);
  });
});

describe('every controller', () => {
  for (const [kind, controller] of Object.entries(multiplierControllers) as Array<[string, MultiplierController]>) {
    it(`${kind}: defaults parse, the state is JSON that round-trips, lambda stays within its bounds`, () => {
      const options = controller.optionsSchema.parse({ kind });
      const tight = { minimum: 0.5, maximum: 4 };
      let state = controller.initialState(1, options, tight);
      for (const violation of [50, 50, 50, -50, -50, -50, -50, 0.1]) {
        state = JSON.parse(JSON.stringify(controller.update(state, { constraint: violation * 10, violation, bounds: tight }, options)));
        const multiplier = controller.multiplier(state, options);
        expect(multiplier).toBeGreaterThanOrEqual(0.5 * (1 - 1e-9));
        expect(multiplier).toBeLessThanOrEqual(4 * (1 + 1e-9));
      }
    });
  }

  it('rejects unknown kinds and unknown gains, naming them', () => {
    expect(multiplierControllerConfigSchema.safeParse({ kind: 'pd' }).success).toBe(false);
    const result = multiplierControllerConfigSchema.safeParse({ kind: 'pi', integralGian: 1 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/integralGian/);
  });
});
