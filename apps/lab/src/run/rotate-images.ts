import * as tf from '@tensorflow/tfjs-core';
import { rotateImage } from '@tame/datasets';

/**
 * Each image of a [count, height, width, channels] batch turned by `angleDegrees` about its centre, counter-clockwise
 * as displayed, with @tame/datasets' rotateImage (bilinear, zero fill): the interpolation MNIST-rotate builds its
 * targets with, so −angle undoes its turn (exactly for quarter turns; elsewhere up to the corners that left the frame
 * and a bilinear blur).
 */
export function rotateImages(images: tf.Tensor4D, angleDegrees: number): tf.Tensor4D {
  const [count, height, width, channels] = images.shape;
  const geometry = { height, width, channels };
  const size = height * width * channels;
  const values = images.dataSync() as Float32Array;
  const rotated = new Float32Array(values.length);
  for (let index = 0; index < count; index += 1) rotateImage(values.subarray(index * size, (index + 1) * size), geometry, angleDegrees, rotated, index * size);
  return tf.tensor4d(rotated, images.shape);
}
