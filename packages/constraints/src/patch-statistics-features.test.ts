import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createPatchStatisticsFeatures } from './patch-statistics-features.js';

describe('patch statistics features', () => {
  it('are the patch means then standard deviations per channel, computed by hand', () => {
    // One 2x4 image, 2 channels; 2x2 patches, stride 2: two patches.
    // channel 0: [[0, 2, 1, 1], [2, 0, 1, 1]] -> patch 1 mean 1, variance 1; patch 2 mean 1, variance 0
    // channel 1: [[1, 1, 0, 4], [1, 1, 0, 0]] -> patch 1 mean 1, variance 0; patch 2 mean 1, variance 3
    const channel0 = [0, 2, 1, 1, 2, 0, 1, 1];
    const channel1 = [1, 1, 0, 4, 1, 1, 0, 0];
    const images = tf.tensor4d(channel0.flatMap((value, index) => [value, channel1[index] as number]), [1, 2, 4, 2]);
    const epsilon = 1e-6;
    const features = createPatchStatisticsFeatures({ patchSize: 2, epsilon }).extract(images);
    expect(features.shape).toEqual([1, 1, 2, 4]);
    const expected = [1, 1, Math.sqrt(1 + epsilon), Math.sqrt(epsilon), 1, 1, Math.sqrt(epsilon), Math.sqrt(3 + epsilon)];
    Array.from(features.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 5));
    tf.dispose([images, features]);
  });

  it('leaves out patches that would cross the border and honours the stride', () => {
    const images = tf.randomUniform([3, 9, 7, 1], 0, 1, 'float32', 4);
    const features = createPatchStatisticsFeatures({ patchSize: 4, stride: 2 }).extract(images);
    // rows: origins 0, 2, 4 (4 + 4 <= 9); columns: 0, 2 (2 + 4 <= 7).
    expect(features.shape).toEqual([3, 3, 2, 2]);
    tf.dispose([images, features]);
  });

  it('has a finite gradient on flat patches (the epsilon under the square root)', () => {
    const images = tf.zeros([1, 4, 4, 1]);
    const extractor = createPatchStatisticsFeatures({ patchSize: 2 });
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(extractor.extract(input)) as tf.Scalar)(images);
    expect(Array.from(gradient.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([images, gradient]);
  });

  it('rejects bad options and inputs with clear errors', () => {
    expect(() => createPatchStatisticsFeatures({ patchSize: 0 })).toThrow(/patch statistics patchSize/);
    expect(() => createPatchStatisticsFeatures({ epsilon: -1 })).toThrow(/patch statistics epsilon/);
    const extractor = createPatchStatisticsFeatures({ patchSize: 8 });
    const small = tf.zeros([1, 5, 5, 1]);
    expect(() => extractor.extract(small)).toThrow(/patchSize: 8 is larger than the 5x5 images/);
    const flat = tf.zeros([1, 25]);
    expect(() => extractor.extract(flat)).toThrow(/needs images \[batch, height, width, channels\], got shape \[1,25\]/);
    tf.dispose([small, flat]);
  });
});
