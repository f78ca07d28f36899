// A plugin author's test, run by vitest in the consumer project: the public conformance suite from the installed
// @tame/core/test against the installed example plugin (vitest is the optional peer @tame/core/test needs).
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { describeConstraintPluginConformance } from '@tame/core/test';
import { meanAbsoluteErrorConstraint } from '@tame-example/constraint-mae';

describeConstraintPluginConformance(meanAbsoluteErrorConstraint, {
  config: { kappa: 0.05 },
  batch: () => ({ inputs: tf.randomUniform([3, 5, 5, 1], 0, 1, 'float32', 1) }),
  reconstruction: () => tf.randomUniform([3, 5, 5, 1], 0, 1, 'float32', 2),
});
