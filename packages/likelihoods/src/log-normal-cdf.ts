import * as tf from '@tensorflow/tfjs-core';

// Chebyshev fit of erfc (Numerical Recipes, 2nd ed., section 6.2, `erfcc`): for z >= 0,
// erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), with fractional error < 1.2e-7 everywhere. Written in log
// form, log erfc(z) = log t - z^2 + P(t) never underflows, which is what the tails of the quantized normal need
// (tfjs has erf but no erfc or log-CDF, and 1 + erf(x) loses every digit below x = -4 in float32).
const erfcCoefficients = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

/** log erfc(z) for z >= 0 (elementwise); finite with a finite gradient for every finite z >= 0. */
function logErfcNonNegative(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.reciprocal(tf.add(1, tf.mul(0.5, z)));
    let polynomial: tf.Tensor = tf.scalar(erfcCoefficients[erfcCoefficients.length - 1] as number);
    for (let index = erfcCoefficients.length - 2; index >= 0; index -= 1) {
      polynomial = tf.add(erfcCoefficients[index] as number, tf.mul(t, polynomial));
    }
    return tf.add(tf.sub(tf.log(t), tf.square(z)), polynomial);
  });
}

/**
 * log Phi(x), the log of the standard normal CDF, elementwise, accurate to ~1e-7 relative in Phi for every finite
 * x (x = -40 gives -804.6, not -Infinity). Differentiable everywhere with a finite gradient, including x = 0.
 */
export function logNormalCdf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // Comparisons use greaterEqual: it is the one comparison op with a registered (zero) gradient, so the condition
    // may depend on a differentiated tensor. sign is a per-element constant, so z = |x| / sqrt(2) has the gradient
    // +-1/sqrt(2) even at x = 0, where tf.abs would pick the wrong side.
    const nonNegative = tf.greaterEqual(x, 0);
    const sign = tf.sub(tf.mul(2, tf.cast(nonNegative, 'float32')), 1);
    const logErfc = logErfcNonNegative(tf.mul(tf.mul(x, sign), Math.SQRT1_2));
    // x < 0: Phi(x) = erfc(|x|/sqrt2) / 2.   x >= 0: Phi(x) = 1 - erfc(x/sqrt2) / 2.
    const lower = tf.add(logErfc, Math.log(0.5));
    const upper = tf.log1p(tf.mul(-0.5, tf.exp(logErfc)));
    return tf.where(nonNegative, upper, lower);
  });
}

/**
 * Bins with width * max(|middle|, 1) below this (in standard deviations) use the midpoint expansion
 * P = w phi(m) [1 + w^2 (m^2 - 1) / 24 + w^4 (m^4 - 6 m^2 + 3) / 1920], whose truncation error is ~(w m)^6 / 3e5
 * (< 1e-9 here); wider bins use the CDF difference, whose float32 rounding error ~1e-7 |log Phi| / (1 - Phi(a)/Phi(b))
 * is then small because the ratio is >= ~0.15.
 */
export const midpointExpansionLimit = 0.2;

/**
 * Floor on 1 - Phi(a) / Phi(b) inside the log-difference below, so log never sees 0. It is reached only when the bin
 * is narrower than float32 resolves, which the midpoint expansion already covers; it never clips a finite tail.
 */
export const cdfRatioFloor = 1e-30;

/**
 * log(Phi(upper) - Phi(lower)) elementwise for standardised bin edges lower < upper, stable in both tails:
 * a bin in the upper tail is reflected to the lower tail (Phi(b) - Phi(a) = Phi(-a) - Phi(-b)), then
 * log(Phi(b) - Phi(a)) = log Phi(b) + log(-expm1(log Phi(a) - log Phi(b))), with a midpoint expansion for narrow
 * bins (see midpointExpansionLimit). Every branch stays finite with a finite gradient, so tf.where never multiplies 0 by Infinity.
 * `width` (= upper - lower) may be passed when the caller can compute it without cancellation.
 */
export function logNormalBinProbability(lower: tf.Tensor, upper: tf.Tensor, width?: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const reflect = tf.greaterEqual(tf.add(lower, upper), 0);
    const a = tf.where(reflect, tf.neg(upper), lower);
    const b = tf.where(reflect, tf.neg(lower), upper);
    const logB = logNormalCdf(b);
    const ratio = tf.neg(tf.expm1(tf.sub(logNormalCdf(a), logB)));
    const difference = tf.add(logB, tf.log(tf.maximum(ratio, cdfRatioFloor)));
    const binWidth = width === undefined ? tf.sub(upper, lower) : tf.add(tf.zerosLike(lower), width);
    const middle = tf.mul(0.5, tf.add(lower, upper));
    const widthSquared = tf.square(binWidth);
    const middleSquared = tf.square(middle);
    const correction = tf.add(
      tf.mul(tf.div(widthSquared, 24), tf.sub(middleSquared, 1)),
      tf.mul(tf.div(tf.square(widthSquared), 1920), tf.add(tf.mul(middleSquared, tf.sub(middleSquared, 6)), 3)),
    );
    const midpoint = tf.add(
      tf.sub(tf.log(tf.maximum(binWidth, cdfRatioFloor)), tf.mul(0.5, middleSquared)),
      tf.add(tf.log1p(correction), -0.5 * Math.log(2 * Math.PI)),
    );
    const wide = tf.greaterEqual(tf.mul(binWidth, tf.maximum(tf.abs(middle), 1)), midpointExpansionLimit);
    return tf.where(wide, difference, midpoint);
  });
}
