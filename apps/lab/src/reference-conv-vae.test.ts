import * as tf from '@tensorflow/tfjs-core';
import { describeModelPluginConformance } from '@tame/core/test';
import { convVaePlugin } from './reference-conv-vae.js';

// The app's default model passes the same checks as the packaged models.
describeModelPluginConformance(convVaePlugin, {
  config: { latentSize: 4 },
  batch: () => ({ inputs: tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3) }),
});
