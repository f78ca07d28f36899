import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackendName, setBackend } from './set-backend.js';

const installed = (name: string) => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
};
const hasNative = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

describe('setBackend', () => {
  afterAll(async () => {
    await setBackend('wasm');
  });

  it('activates cpu and wasm by name and reports the active backend', async () => {
    expect(await setBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(getBackendName()).toBe('cpu');
    expect(await setBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(getBackendName()).toBe('wasm');
  });

  it('lets auto prefer a native backend and fall back to wasm without one', async () => {
    const chosen = await setBackend('auto');
    expect(chosen).toEqual(hasNative ? expect.stringMatching(/^node/) : 'wasm');
  });

  it.skipIf(hasNative)('explains why node is unavailable instead of failing obscurely', async () => {
    await expect(setBackend('node')).rejects.toThrow(/Backend 'node' could not be started \(@tensorflow\/tfjs-node: .*\)\. Try --backend wasm/);
  });

  it('rejects unknown names with the list of valid ones', async () => {
    await expect(setBackend('webgpu')).rejects.toThrow("Unknown backend 'webgpu'. Expected one of: auto, node-gpu, node, wasm, cpu");
  });

  it('trains a conv net on wasm: gradients of conv2d and conv2dTranspose exist', async () => {
    await setBackend('wasm');
    const filter = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 1));
    const input = tf.randomNormal([1, 9, 9, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const { value, grads } = tf.variableGrads(() => {
      const hidden = tf.conv2d(input, filter as tf.Tensor4D, 2, 'same');
      return tf.sum(tf.conv2dTranspose(hidden, filter as tf.Tensor4D, [1, 9, 9, 2], 2, 'same')) as tf.Scalar;
    }, [filter]);
    expect(grads[filter.name]!.shape).toEqual([3, 3, 2, 4]);
    tf.dispose([filter, input, value, ...Object.values(grads)]);
  });
});
