import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createCouplingLayer } from './coupling-layer.js';
import { logAbsDeterminant, numericalJacobian, randomizeVariables } from './numerical-jacobian.test-support.js';
import { createVariableFactory, type VariableFactory } from './variable-factory.js';

const latentSize = 5;
const contextSize = 3;
let factory: VariableFactory | undefined;
const owned: tf.Tensor[] = [];

afterEach(() => {
  factory?.disposeAll();
  tf.dispose(owned.splice(0));
});

/** A coupling layer far from the identity (all weights random), its context projection and some test points. */
function setUp(mask: (0 | 1)[], scaleBound = 2) {
  factory = createVariableFactory('coupling-test', 4);
  const layer = createCouplingLayer({ mask, contextSize, hiddenSizes: [12, 8], scaleBound, initScale: 1e-3, label: 'layer' }, factory);
  randomizeVariables(layer.variables, 11, 0.6);
  const context = tf.randomNormal([3, contextSize], 0, 1, 'float32', 5) as tf.Tensor2D;
  const projection = layer.projectContext(context);
  const points = tf.randomNormal([3, latentSize], 0, 1.5, 'float32', 6) as tf.Tensor2D;
  owned.push(context, projection, points);
  return { layer, context, projection, points };
}

describe('conditional affine coupling layer', () => {
  const mask: (0 | 1)[] = [1, 0, 1, 0, 1];

  it('is the identity at initialisation up to the near-zero last layer', () => {
    factory = createVariableFactory('coupling-identity', 1);
    const layer = createCouplingLayer({ mask, contextSize, hiddenSizes: [8], scaleBound: 2, initScale: 0, label: 'layer' }, factory);
    tf.tidy(() => {
      const points = tf.randomNormal([4, latentSize], 0, 1, 'float32', 2) as tf.Tensor2D;
      const { output, logDet } = layer.forward(points, layer.projectContext(tf.ones([4, contextSize])));
      expect(Array.from(output.dataSync())).toEqual(Array.from(points.dataSync()));
      expect(Array.from(logDet.dataSync())).toEqual([0, 0, 0, 0]);
    });
  });

  it('leaves the pass-through coordinates unchanged and moves the others', () => {
    const { layer, projection, points } = setUp(mask);
    tf.tidy(() => {
      const before = points.arraySync();
      const after = layer.forward(points, projection).output.arraySync();
      before.forEach((row, index) =>
        row.forEach((value, coordinate) => {
          const moved = Math.abs(((after[index] as number[])[coordinate] as number) - value);
          if (mask[coordinate] === 1) expect(moved).toBe(0);
          else expect(moved).toBeGreaterThan(1e-3);
        }),
      );
    });
  });

  it('is inverted exactly by its inverse (inverse(forward(z)) = z and forward(inverse(z)) = z)', () => {
    const { layer, projection, points } = setUp(mask);
    tf.tidy(() => {
      const forward = layer.forward(points, projection);
      const roundTrip = layer.inverse(forward.output, projection);
      const reverse = layer.forward(layer.inverse(points, projection).output, projection).output;
      const expected = points.dataSync();
      roundTrip.output.dataSync().forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 5));
      reverse.dataSync().forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 5));
      // The inverse reports the forward map's log-det at the same pair of points.
      const forwardLogDet = forward.logDet.dataSync();
      roundTrip.logDet.dataSync().forEach((value, index) => expect(value).toBeCloseTo(forwardLogDet[index] as number, 5));
    });
  });

  it('reports log|det J| equal to that of its Jacobian computed by finite differences', () => {
    for (const layerMask of [mask, [0, 1, 0, 1, 0] as (0 | 1)[], [1, 1, 0, 0, 0] as (0 | 1)[]]) {
      const { layer, projection, points } = setUp(layerMask);
      const rows = points.arraySync();
      const logDets = layer.forward(points, projection).logDet;
      const reported = Array.from(logDets.dataSync());
      logDets.dispose();
      rows.forEach((point, pointIndex) => {
        const jacobian = numericalJacobian(
          (perturbed) => {
            const projectionRow = tf.slice(projection, [pointIndex, 0], [1, -1]);
            return layer.forward(perturbed, tf.tile(projectionRow, [perturbed.shape[0], 1]) as tf.Tensor2D).output;
          },
          point,
          1e-2,
        );
        expect(logAbsDeterminant(jacobian)).toBeCloseTo(reported[pointIndex] as number, 3);
      });
      // Far from zero (weights random), so a wrong sign or scale of the log-det would show.
      expect(Math.max(...reported.map(Math.abs))).toBeGreaterThan(0.2);
      factory?.disposeAll();
    }
  });

  it('bounds each log-scale by the scale bound c', () => {
    const { layer, projection, points } = setUp(mask, 0.5);
    tf.tidy(() => {
      // Only two coordinates are transformed: |log det| <= 2 c, whatever the weights and the input.
      randomizeVariables(layer.variables, 3, 10);
      const logDet = layer.forward(tf.mul(points, 20) as tf.Tensor2D, projection).logDet.dataSync();
      logDet.forEach((value) => expect(Math.abs(value)).toBeLessThanOrEqual(2 * 0.5 + 1e-6));
    });
  });

  it('leaks no tensor', () => {
    const { layer, projection, points } = setUp(mask);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) {
      const { output, logDet } = layer.forward(points, projection);
      const inverse = layer.inverse(output, projection);
      tf.dispose([output, logDet, inverse.output, inverse.logDet]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
