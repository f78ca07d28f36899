import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { alternatingMask, createConditionalFlow } from './conditional-flow.js';
import { logAbsDeterminant, numericalJacobian, randomizeVariables } from './numerical-jacobian.test-support.js';
import { createVariableFactory, type VariableFactory } from './variable-factory.js';

const latentSize = 4;
const contextSize = 3;
let factory: VariableFactory | undefined;
const owned: tf.Tensor[] = [];

afterEach(() => {
  factory?.disposeAll();
  tf.dispose(owned.splice(0));
});

function setUp(layers = 4) {
  factory = createVariableFactory('flow-test', 2);
  const flow = createConditionalFlow({ latentSize, contextSize, layers, hiddenSizes: [10], scaleBound: 2, initScale: 1e-3 }, factory);
  randomizeVariables(flow.variables, 21, 0.5);
  const context = tf.randomNormal([3, contextSize], 0, 1, 'float32', 8) as tf.Tensor2D;
  const projections = flow.projectContext(context);
  const points = tf.randomNormal([3, latentSize], 0, 1, 'float32', 9) as tf.Tensor2D;
  owned.push(context, points, ...projections);
  return { flow, projections, points };
}

describe('alternatingMask', () => {
  it('alternates parity between layers, so with K >= 4 every coordinate is transformed at least twice', () => {
    expect(alternatingMask(5, 0)).toEqual([1, 0, 1, 0, 1]);
    expect(alternatingMask(5, 1)).toEqual([0, 1, 0, 1, 0]);
    const transformedCount = Array.from({ length: 7 }, (_, coordinate) =>
      [0, 1, 2, 3].filter((layer) => alternatingMask(7, layer)[coordinate] === 0).length,
    );
    expect(transformedCount).toEqual(new Array(7).fill(2));
  });
});

describe('conditional flow', () => {
  it('sums the layers log-dets into log|det| of the whole map, checked against a finite-difference Jacobian', () => {
    const { flow, projections, points } = setUp();
    const forward = flow.forward(points, projections);
    const reported = Array.from(forward.logDet.dataSync());
    tf.dispose([forward.latent, forward.logDet]);
    points.arraySync().forEach((point, pointIndex) => {
      const jacobian = numericalJacobian(
        (perturbed) => {
          const repeated = projections.map((projection) => tf.tile(tf.slice(projection, [pointIndex, 0], [1, -1]), [perturbed.shape[0], 1]) as tf.Tensor2D);
          return flow.forward(perturbed, repeated).latent;
        },
        point,
        1e-2,
      );
      expect(logAbsDeterminant(jacobian)).toBeCloseTo(reported[pointIndex] as number, 2);
    });
    expect(Math.max(...reported.map(Math.abs))).toBeGreaterThan(0.5);
  });

  it('is inverted by its inverse pass, which reports the same log-det', () => {
    const { flow, projections, points } = setUp(6);
    tf.tidy(() => {
      const forward = flow.forward(points, projections);
      const inverse = flow.inverse(forward.latent, projections);
      const expected = points.dataSync();
      inverse.base.dataSync().forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 3));
      const forwardLogDet = forward.logDet.dataSync();
      inverse.logDet.dataSync().forEach((value, index) => expect(value).toBeCloseTo(forwardLogDet[index] as number, 3));
      // The flow is far from the identity, so the round trip is not trivially satisfied.
      const moved = tf.max(tf.abs(tf.sub(forward.latent, points))).dataSync()[0] as number;
      expect(moved).toBeGreaterThan(0.1);
    });
  });
});
