import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/tame-error.js';
import type { ConstraintV1 } from '../spec/constraint-v1.js';
import type { ModelOutputV1 } from '../spec/model-v1.js';
import { createGecoObjective, recommendedGecoOptions } from './geco-objective.js';

/** C = (x - target)^2 - kappa^2 on a scalar "reconstruction": satisfied when |x - target| <= kappa. */
function distanceConstraint(name: string, target: number, kappa: number, scale?: number): ConstraintV1 {
  return {
    specificationVersion: 'v1',
    id: `test/${name}`,
    name,
    kappa,
    units: 'absolute distance',
    ...(scale === undefined ? {} : { violationScale: () => scale }),
    evaluate: ({ output }) => ({
      value: tf.tidy(() => tf.sub(tf.mean(tf.square(tf.sub(output.reconstruction, target))), kappa * kappa) as tf.Scalar),
    }),
    dispose() {},
  };
}

const batch = () => ({ inputs: tf.zeros([1, 1]) });
/** KL = w^2 pulls w to 0; the reconstruction is w itself. */
const outputOf = (weight: tf.Variable): ModelOutputV1 => ({
  reconstruction: tf.reshape(weight, [1, 1]),
  kl: tf.reshape(tf.square(weight), [1]) as tf.Tensor1D,
});

function runGeco(objective: ReturnType<typeof createGecoObjective>, weight: tf.Variable, steps: number, learningRate: number) {
  const history: Array<{ metrics: Record<string, number>; logged: Record<string, number> }> = [];
  const inputs = batch();
  for (let step = 0; step < steps; step += 1) {
    const kept: Record<string, tf.Tensor> = {};
    const { value, grads } = tf.variableGrads(() => {
      const { loss, metrics } = objective.computeLoss({ batch: inputs, output: outputOf(weight), step });
      for (const [name, metric] of Object.entries(metrics)) kept[name] = tf.keep(metric);
      return loss;
    }, [weight]);
    tf.tidy(() => weight.assign(tf.sub(weight, tf.mul(learningRate, grads[weight.name]!))));
    const metrics = Object.fromEntries(Object.entries(kept).map(([name, tensor]) => [name, tensor.dataSync()[0] as number]));
    tf.dispose([value, ...Object.values(grads), ...Object.values(kept)]);
    history.push({ metrics, logged: objective.afterStep({ step, metrics }) });
  }
  inputs.inputs.dispose();
  return history;
}

describe('createGecoObjective', () => {
  it('raises lambda while the constraint is violated, lowers it once satisfied, and reaches the KKT point', () => {
    // min w^2 s.t. (w - 3)^2 <= 0.5^2 has w* = 2.5 and, from 2w + lambda 2 (w - 3) = 0, lambda* = 5.
    const weight = tf.variable(tf.scalar(0), true, 'geco-test/w');
    const objective = createGecoObjective({
      constraints: [distanceConstraint('re', 3, 0.5)],
      controller: { kind: 'algorithm-1', learningRate: 0.02 },
      movingAverageDecay: 0.9,
    });
    const history = runGeco(objective, weight, 4000, 0.01);
    let previous = 1;
    let rose = false;
    let fell = false;
    for (const { metrics, logged } of history) {
      const lambda = logged['re.multiplier']!;
      const movingAverage = metrics['re.movingAverage']!;
      // Near the optimum nu * C_ma drops below double precision and lambda no longer moves.
      if (movingAverage > 1e-6) expect(lambda).toBeGreaterThan(previous);
      if (movingAverage < -1e-6) expect(lambda).toBeLessThan(previous);
      rose ||= movingAverage > 0;
      fell ||= rose && movingAverage < 0;
      previous = lambda;
    }
    expect(rose && fell).toBe(true);
    expect(weight.dataSync()[0]).toBeCloseTo(2.5, 1);
    expect(previous).toBeGreaterThan(4.5);
    expect(previous).toBeLessThan(5.5);
    weight.dispose();
  });

  it('initialises the moving average to the first batch value, then follows alpha, and updates lambda from it', () => {
    const weight = tf.variable(tf.scalar(1), true, 'geco-test/w2');
    const objective = createGecoObjective({ constraints: [distanceConstraint('re', 3, 0.5)], controller: { kind: 'algorithm-1', learningRate: 0.1 } });
    const [first, second] = runGeco(objective, weight, 2, 0.01);
    // Step 0: C = (1 - 3)^2 - 0.25 = 3.75 exactly; C_ma = C; lambda_1 = exp(0.1 * 3.75).
    expect(first!.metrics['re.value']).toBeCloseTo(3.75, 5);
    expect(first!.metrics['re.movingAverage']).toBeCloseTo(3.75, 5);
    expect(first!.logged['re.multiplier']).toBeCloseTo(Math.exp(0.375), 5);
    // Step 1: C_ma = 0.99 * 3.75 + 0.01 * C_1 and lambda_2 = lambda_1 exp(0.1 C_ma).
    const movingAverage = 0.99 * 3.75 + 0.01 * second!.metrics['re.value']!;
    expect(second!.metrics['re.movingAverage']).toBeCloseTo(movingAverage, 5);
    expect(second!.logged['re.multiplier']).toBeCloseTo(Math.exp(0.375 + 0.1 * movingAverage), 4);
    weight.dispose();
  });

  it('uses the value of the moving average in the loss and the gradient of the batch constraint', () => {
    const weight = tf.variable(tf.scalar(1), true, 'geco-test/w3');
    const objective = createGecoObjective({ constraints: [distanceConstraint('re', 3, 0.5)], initialMultiplier: 2 });
    objective.setState({ constraints: { re: { movingAverage: 10, multiplier: { logMultiplier: Math.log(2) } } } });
    const inputs = batch();
    const { value, grads } = tf.variableGrads(() => {
      const { loss, metrics } = objective.computeLoss({ batch: inputs, output: outputOf(weight), step: 5 });
      tf.dispose(Object.values(metrics));
      return loss;
    }, [weight]);
    // loss = KL + lambda * C_ma with C_ma = 0.99 * 10 + 0.01 * 3.75; gradient = 2w + lambda * 2 (w - 3) = 2 - 8 = -6.
    expect(value.dataSync()[0]).toBeCloseTo(1 + 2 * (0.99 * 10 + 0.01 * 3.75), 4);
    expect(grads[weight.name]!.dataSync()[0]).toBeCloseTo(-6, 5);
    tf.dispose([value, ...Object.values(grads), weight, inputs.inputs]);
  });

  it('drives the multiplier with a separate measure built from ops without gradients, and the model with the value', () => {
    // Measure: 1 if the reconstruction rounds to the target (uses equal/round, which have no gradient), else 0.
    const constraint: ConstraintV1 = {
      ...distanceConstraint('hit', 2, 0.5),
      evaluate: ({ output }) => ({
        value: tf.tidy(() => tf.sub(tf.mean(tf.square(tf.sub(output.reconstruction, 2))), 0.25) as tf.Scalar),
        measure: tf.tidy(() => tf.sub(0.5, tf.mean(tf.cast(tf.equal(tf.round(output.reconstruction), 2), 'float32'))) as tf.Scalar),
      }),
    };
    const objective = createGecoObjective({ constraints: [constraint] });
    const weight = tf.variable(tf.scalar(0));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const { loss, metrics } = objective.computeLoss({ batch: batch(), output: outputOf(weight), step: 0 });
      expect(metrics['hit.value']?.dataSync()[0]).toBe(0.5);
      tf.dispose(Object.values(metrics));
      return loss;
    }, [weight]);
    // d/dw [w^2 + lambda * ((w - 2)^2 - 0.25)] at w = 0, lambda = 1: -4.
    expect(grads[weight.name]?.dataSync()[0]).toBeCloseTo(-4, 5);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 1);
    weight.dispose();
  });

  it('keeps one multiplier per constraint, honours warm-up, update period and bounds', () => {
    const weight = tf.variable(tf.scalar(0), true, 'geco-test/w4');
    const objective = createGecoObjective({
      constraints: [
        distanceConstraint('near', 3, 0.5),
        { constraint: distanceConstraint('far', 0, 10), controller: { kind: 'algorithm-1', learningRate: 1 }, bounds: [0.5, 2] },
      ],
      warmupSteps: 3,
      updatePeriod: 2,
      movingAverageDecay: 0,
    });
    const history = runGeco(objective, weight, 8, 0);
    const near = history.map(({ logged }) => logged['near.multiplier']!);
    const far = history.map(({ logged }) => logged['far.multiplier']!);
    // No update before step 3; then at steps 3, 5, 7 only. C_near = 8.75 each step (w stays 0).
    expect(near.slice(0, 3)).toEqual([1, 1, 1]);
    expect(near[3]).toBeCloseTo(Math.exp(0.0875), 10);
    expect(near[4]).toBe(near[3]);
    expect(near[5]).toBeCloseTo(Math.exp(2 * 0.0875), 10);
    // far is satisfied (C = -100) and clamps at its lower bound 0.5, flagged as at-bound.
    expect(far[3]).toBeCloseTo(0.5, 10);
    expect(history[3]!.logged['far.atBound']).toBe(1);
    expect(history[3]!.logged['near.atBound']).toBe(0);
    weight.dispose();
  });

  it('reaches the same KKT point with the recommended pi controller on the unit-free violation, and settles there', () => {
    // C / kappa^2 = (w - 3)^2 / 0.25 - 1: the distance constraint states kappa^2 as its error budget.
    const weight = tf.variable(tf.scalar(0), true, 'geco-test/w-pi');
    const objective = createGecoObjective({ ...recommendedGecoOptions, constraints: [distanceConstraint('re', 3, 0.5, 0.25)], movingAverageDecay: 0.9 });
    const history = runGeco(objective, weight, 6000, 0.01);
    const lambdas = history.map(({ logged }) => logged['re.multiplier']!);
    expect(weight.dataSync()[0]).toBeCloseTo(2.5, 1);
    expect(lambdas[5999]).toBeGreaterThan(4.5);
    expect(lambdas[5999]).toBeLessThan(5.5);
    // The controller saw C_ma / 0.25 (logged as the violation).
    const last = history[5999]!;
    expect(last.logged['re.violation']).toBeCloseTo(last.metrics['re.movingAverage']! / 0.25, 10);
    weight.dispose();
  });

  it('divides by violationScale: the constraint\'s, unless the options override it, else 1', () => {
    const weight = tf.variable(tf.scalar(0), true, 'geco-test/w-scale');
    const violationAfterOneStep = (entry: Parameters<typeof createGecoObjective>[0]['constraints'][number]) => {
      const history = runGeco(createGecoObjective({ constraints: [entry], controller: { kind: 'pi' } }), weight, 1, 0);
      return history[0]!.logged['re.violation']!;
    };
    // w = 0: C = 9 - 0.25 = 8.75.
    expect(violationAfterOneStep(distanceConstraint('re', 3, 0.5))).toBeCloseTo(8.75, 5);
    expect(violationAfterOneStep(distanceConstraint('re', 3, 0.5, 0.25))).toBeCloseTo(35, 4);
    expect(violationAfterOneStep({ constraint: distanceConstraint('re', 3, 0.5, 0.25), violationScale: 2 })).toBeCloseTo(4.375, 5);
    weight.dispose();
  });

  it('resumes exactly: a pi multiplier restored mid-run continues on the same trajectory', () => {
    const options = { ...recommendedGecoOptions, constraints: [distanceConstraint('re', 3, 0.5, 0.25)] };
    const straight = tf.variable(tf.scalar(0), true, 'geco-test/w-straight');
    const reference = runGeco(createGecoObjective(options), straight, 40, 0.01).map(({ logged }) => logged['re.multiplier']);
    const resumed = tf.variable(tf.scalar(0), true, 'geco-test/w-resumed');
    const first = createGecoObjective(options);
    const head = runGeco(first, resumed, 25, 0.01).map(({ logged }) => logged['re.multiplier']);
    const second = createGecoObjective(options);
    second.setState(JSON.parse(JSON.stringify(first.getState())));
    // runGeco numbers steps from 0; the controller's update does not depend on the step index past warm-up.
    const tail = runGeco(second, resumed, 15, 0.01).map(({ logged }) => logged['re.multiplier']);
    expect([...head, ...tail]).toEqual(reference);
    tf.dispose([straight, resumed]);
  });

  it('names the new place of options that moved into the controller', () => {
    expect(() => createGecoObjective({ constraints: [distanceConstraint('re', 0, 1)], maxLogStep: 0.005 } as never)).toThrow(
      /geco\.maxLogStep: 'maxLogStep' moved into the multiplier controller in tame 0\.2; write controller: \{ kind: 'asymmetric', maxLogStep \}/,
    );
    expect(() => createGecoObjective({ constraints: [{ constraint: distanceConstraint('re', 0, 1), multiplierLearningRate: 1 } as never] })).toThrow(
      /geco\.constraints\.re\.multiplierLearningRate/,
    );
    expect(() => createGecoObjective({ constraints: [distanceConstraint('re', 0, 1)], controller: { kind: 'pi', integralGian: 1 } as never })).toThrow(/integralGian/);
  });

  it('restores its state exactly from getState()', () => {
    const weight = tf.variable(tf.scalar(0), true, 'geco-test/w5');
    const objective = createGecoObjective({ constraints: [distanceConstraint('re', 3, 0.5)], controller: { kind: 'softplus-squared' } });
    runGeco(objective, weight, 5, 0.01);
    const saved = JSON.parse(JSON.stringify(objective.getState()));
    const copy = createGecoObjective({ constraints: [distanceConstraint('re', 3, 0.5)], controller: { kind: 'softplus-squared' } });
    copy.setState(saved);
    expect(copy.getState()).toEqual(objective.getState());
    weight.dispose();
  });

  it('rejects invalid options with the field named', () => {
    expect(() => createGecoObjective({ constraints: [] })).toThrow(InvalidArgumentError);
    expect(() => createGecoObjective({ constraints: [distanceConstraint('re', 0, 1)], movingAverageDecay: 1 })).toThrow(/movingAverageDecay/);
    expect(() => createGecoObjective({ constraints: [distanceConstraint('re', 0, 1)], bounds: [2, 1] })).toThrow(/bounds/);
    expect(() =>
      createGecoObjective({ constraints: [distanceConstraint('re', 0, 1), distanceConstraint('re', 1, 1)] }),
    ).toThrow(/named 're'/);
  });
});
