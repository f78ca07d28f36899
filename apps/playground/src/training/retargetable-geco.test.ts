import { createReconstructionErrorConstraint } from '@tame/constraints';
import { createGecoObjective, type JSONObject, recommendedGecoOptions, type TrainingObjective } from '@tame/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRetargetableGeco } from './retargetable-geco.js';

const dimensions = 4;
// Every pixel 0.3 away from its target: per-pixel RMSE 0.3, per-image SSE 4 * 0.09 = 0.36.
const inputs = () => tf.zeros([2, 2, 2, 1]);
const reconstruction = (error: number) => tf.fill([2, 2, 2, 1], error);

/** One step as train() runs it: computeLoss (in a tidy, as under variableGrads), read every metric back, afterStep. */
function step(objective: TrainingObjective, index: number, error = 0.3): Record<string, number> {
  const values = tf.tidy(() => {
    const batch = { inputs: inputs() };
    const output = { reconstruction: reconstruction(error), kl: tf.ones([2]) as tf.Tensor1D };
    const { metrics } = objective.computeLoss({ batch, output, step: index });
    return Object.fromEntries(Object.entries(metrics).map(([name, value]) => [name, value.dataSync()[0] as number]));
  });
  return { ...values, ...objective.afterStep({ step: index, metrics: values }) };
}

const reState = (objective: TrainingObjective) =>
  (objective.getState().constraints as unknown as Record<string, { movingAverage: number; multiplier: JSONObject }>).re!;

describe('retargetable GECO', () => {
  it("adds kappa and the error in kappa's units to GECO's metrics", () => {
    const geco = createRetargetableGeco({ kappa: 0.1, controller: recommendedGecoOptions.controller }, dimensions);
    const metrics = step(geco.objective, 0);
    expect(metrics['re.kappa']).toBe(0.1);
    expect(metrics['re.batchRmse']).toBeCloseTo(0.3, 6);
    expect(metrics['re.rmse']).toBeCloseTo(0.3, 6); // the moving average starts at the first batch
    expect(metrics['re.value']).toBeCloseTo(0.36 - dimensions * 0.01, 6);
  });

  it('re-targets kappa after the step: same error moving average, same controller state, the new C', () => {
    const geco = createRetargetableGeco({ kappa: 0.1, controller: recommendedGecoOptions.controller }, dimensions);
    // The same steps through plain GECO, never re-targeted.
    const plain = createGecoObjective({
      ...recommendedGecoOptions,
      constraints: [createReconstructionErrorConstraint({ kappa: 0.1, name: 're', dimensions })],
    });
    const errors = [0.3, 0.28, 0.26, 0.24, 0.22, 0.2];
    errors.slice(0, 5).forEach((error, index) => {
      step(geco.objective, index, error);
      step(plain, index, error);
    });

    geco.retarget({ kappa: 0.25 });
    expect(geco.target().kappa).toBe(0.25);
    expect(geco.constraint().kappa).toBe(0.1); // not before the next step ends
    const during = step(geco.objective, 5, 0.2);
    step(plain, 5, 0.2);
    expect(during['re.kappa']).toBe(0.1); // the step ran against the old kappa, and says so
    expect(geco.constraint().kappa).toBe(0.25);

    const after = reState(geco.objective);
    const reference = reState(plain);
    // C_ma moved by D (0.1^2 - 0.25^2), so the moving average of the error itself, in RMSE, is unchanged ...
    expect(after.movingAverage).toBeCloseTo(reference.movingAverage + dimensions * (0.01 - 0.0625), 10);
    expect(Math.sqrt(after.movingAverage / dimensions + 0.0625)).toBeCloseTo(Math.sqrt(reference.movingAverage / dimensions + 0.01), 10);
    // ... and the controller state is GECO's own after that step.
    expect(after.multiplier).toEqual(reference.multiplier);

    const next = step(geco.objective, 6, 0.2);
    expect(next['re.kappa']).toBe(0.25);
    expect(next['re.value']).toBeCloseTo(dimensions * (0.04 - 0.0625), 6); // C against the new kappa: now satisfied
  });

  it('switches controller from the current lambda, with that controller fresh state', () => {
    const geco = createRetargetableGeco({ kappa: 0.1, controller: recommendedGecoOptions.controller }, dimensions);
    let lambda = 0;
    for (let index = 0; index < 20; index += 1) lambda = step(geco.objective, index)['re.multiplier']!;
    expect(lambda).toBeGreaterThan(1); // the error (0.3) is far above kappa: lambda rose
    geco.retarget({ controller: { kind: 'asymmetric' } });
    const switchedAt = step(geco.objective, 20)['re.multiplier']!; // pi's last update
    expect(switchedAt).toBeGreaterThan(lambda);
    const state = reState(geco.objective);
    // The asymmetric controller's state (log lambda only), starting at the lambda pi had reached.
    expect(Object.keys(state.multiplier)).toEqual(['logMultiplier']);
    expect(state.multiplier.logMultiplier).toBeCloseTo(Math.log(switchedAt), 12);
    // One asymmetric step up from there: at most maxLogStep (0.005) in log lambda.
    const next = step(geco.objective, 21)['re.multiplier']!;
    expect(Math.log(next) - Math.log(switchedAt)).toBeCloseTo(0.005, 10);
  });

  it('leaks no tensor across steps or re-targets', () => {
    const geco = createRetargetableGeco({ kappa: 0.1, controller: { kind: 'pid' } }, dimensions);
    step(geco.objective, 0);
    const before = tf.memory().numTensors;
    for (let index = 1; index < 10; index += 1) {
      if (index % 3 === 0) geco.retarget({ kappa: 0.05 + index / 100, controller: { kind: index % 2 === 0 ? 'pi' : 'algorithm-1' } });
      step(geco.objective, index);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
