import { describe, expect, it } from 'vitest';
import { measureControllerTrajectory, simulateController } from './controller-test-plant.js';
import { controllerFor, multiplierControllerConfigSchema } from './multiplier-controllers.js';
import { recommendedGecoOptions } from './geco-objective.js';

function measure(config: unknown, plant: Parameters<typeof simulateController>[2] = {}) {
  const options = multiplierControllerConfigSchema.parse(config);
  return measureControllerTrajectory(simulateController(controllerFor(options), options, plant), {
    equilibriumMultiplier: plant.equilibriumMultiplier ?? 15,
  });
}

describe('the controller test plant', () => {
  it('is deterministic and settles a fixed multiplier at the closed-form error exp(k (u* - u)) - 1', () => {
    const fixed = { kind: 'algorithm-1', learningRate: 1e-12 };
    const options = multiplierControllerConfigSchema.parse(fixed);
    const plant = { steps: 6000, noise: 0, initialMultiplier: 60, reachableAfter: 100 };
    const first = simulateController(controllerFor(options), options, plant);
    expect(simulateController(controllerFor(options), options, plant)).toEqual(first);
    // lambda 60 vs lambda* 15, k 0.5: e = exp(0.5 log(15 / 60)) - 1 = -0.5.
    expect(first.violations[5999]).toBeCloseTo(-0.5, 3);
  });

  it('holds the error at its floor until kappa becomes reachable, whatever the multiplier', () => {
    const trajectory = simulateController(controllerFor(multiplierControllerConfigSchema.parse({ kind: 'algorithm-1' })), multiplierControllerConfigSchema.parse({ kind: 'algorithm-1' }), { noise: 0 });
    expect(Math.min(...trajectory.violations.slice(0, 2000))).toBeGreaterThan(0);
  });

  it('measures by hand: peak, first feasible step, overshoot, settling and sign changes', () => {
    const measured = measureControllerTrajectory(
      { multipliers: [1, 3, 8, 5, 4, 4], violations: [0.5, 0.2, -0.3, 0.1, 0.01, -0.02] },
      { equilibriumMultiplier: 4, settlingBand: 0.05 },
    );
    expect(measured).toEqual({
      peakMultiplier: 8,
      peakStep: 2,
      firstFeasibleStep: 2,
      overshoot: 0.3,
      overshootArea: 0.3 + 0.02,
      settlingStep: 4,
      // -0.3 -> 0.1 -> (0.01 inside the dead band) -> -0.02: two crossings.
      signChanges: 2,
      finalMultiplier: 4,
      peakOverEquilibrium: 2,
    });
  });
});

describe('controllers on the plant (kappa reachable only after 2,500 steps, lambda* = 15)', () => {
  const algorithm1 = measure({ kind: 'algorithm-1' });
  const asymmetric = measure({ kind: 'asymmetric' });
  const pi = measure(recommendedGecoOptions.controller);
  const pid = measure({ kind: 'pid' });

  it('algorithm-1 and asymmetric wind up by orders of magnitude (the Fashion-MNIST failure)', () => {
    expect(algorithm1.peakOverEquilibrium).toBeGreaterThan(1000);
    expect(asymmetric.peakOverEquilibrium).toBeGreaterThan(1000);
    // asymmetric's 10x descent undershoots lambda*: it has not settled at the end.
    expect(asymmetric.settlingStep).toBeNull();
  });

  it('the recommended pi peaks within 20x of lambda*, below pid and far below the integral rules, and settles at lambda*', () => {
    expect(pi.peakOverEquilibrium).toBeLessThan(20);
    expect(pi.peakMultiplier * 1000).toBeLessThan(asymmetric.peakMultiplier);
    expect(pi.peakMultiplier).toBeLessThan(pid.peakMultiplier);
    expect(pid.peakMultiplier).toBeLessThan(asymmetric.peakMultiplier);
    expect(pi.firstFeasibleStep).not.toBeNull();
    expect(pi.firstFeasibleStep! - 2500).toBeLessThan(500);
    expect(pi.settlingStep).not.toBeNull();
    expect(pi.settlingStep!).toBeLessThan(8000);
    expect(pi.signChanges).toBeLessThanOrEqual(asymmetric.signChanges);
    expect(pi.finalMultiplier / 15).toBeGreaterThan(0.9);
    expect(pi.finalMultiplier / 15).toBeLessThan(1.1);
  });

  it('the P term is what stops the wind-up: pi without it (K_P 0) peaks higher', () => {
    const integralOnly = measure({ ...recommendedGecoOptions.controller, proportionalGain: 0 });
    expect(integralOnly.peakMultiplier).toBeGreaterThan(2 * pi.peakMultiplier);
    // and a larger K_P lowers it further (the trade-off: on real data K_P 2 ended 2% above kappa, EXPERIMENTS.md).
    expect(measure({ ...recommendedGecoOptions.controller, proportionalGain: 2 }).peakMultiplier).toBeLessThan(pi.peakMultiplier / 2);
  });

  it('one set of gains serves plants 10x apart in lambda*, sensitivity and response time', () => {
    for (const plant of [{ equilibriumMultiplier: 50 }, { equilibriumMultiplier: 4 }, { sensitivity: 0.25 }, { sensitivity: 1 }, { responseRate: 0.03 }, { reachableAfter: 1000 }]) {
      const robust = measure(recommendedGecoOptions.controller, plant);
      const baseline = measure({ kind: 'asymmetric' }, plant);
      expect(robust.peakOverEquilibrium, JSON.stringify(plant)).toBeLessThan(50);
      expect(robust.peakMultiplier, JSON.stringify(plant)).toBeLessThan(baseline.peakMultiplier / 10);
      expect(robust.settlingStep, JSON.stringify(plant)).not.toBeNull();
    }
  });
});
