// Double-precision reference implementations for the tests, computed another way than the float32 tfjs code:
// the normal CDF by Simpson integration of the density (and a continued fraction in the far tail) instead of the
// erfc fit, and central finite differences for gradients. Test-only; not exported from the package.

const logRootTwoPi = 0.5 * Math.log(2 * Math.PI);

/** Composite Simpson rule of f over [a, b] with `intervals` (even) sub-intervals. */
export function simpson(f: (x: number) => number, a: number, b: number, intervals = 2000): number {
  const h = (b - a) / intervals;
  let sum = f(a) + f(b);
  for (let index = 1; index < intervals; index += 1) sum += (index % 2 === 1 ? 4 : 2) * f(a + index * h);
  return (sum * h) / 3;
}

/** Mills ratio R(t) = (1 - Phi(t)) / phi(t) for t >= 5, by its continued fraction 1/(t + 1/(t + 2/(t + ...))). */
function millsRatio(t: number): number {
  let tail = t;
  for (let k = 300; k >= 1; k -= 1) tail = t + k / tail;
  return 1 / tail;
}

/** log Phi(x) in double precision. */
export function referenceLogNormalCdf(x: number): number {
  if (x < -5) return -0.5 * x * x - logRootTwoPi + Math.log(millsRatio(-x));
  if (x > 5) return Math.log1p(-Math.exp(-0.5 * x * x - logRootTwoPi) * millsRatio(x));
  const integral = simpson((t) => Math.exp(-0.5 * t * t - logRootTwoPi), 0, x, 4000);
  return Math.log(0.5 + integral);
}

/**
 * log(Phi(b) - Phi(a)) for a < b (either may be infinite) in double precision: Simpson integration of the density
 * scaled by its largest value on [a, b], so deep-tail bins do not underflow.
 */
export function referenceLogBinProbability(a: number, b: number): number {
  if (a === -Infinity) return referenceLogNormalCdf(b);
  if (b === Infinity) return referenceLogNormalCdf(-a);
  const nearest = a > 0 ? a : b < 0 ? b : 0;
  // Beyond `reach` from the nearest point the integrand is below exp(-40): cut there so Simpson resolves the decay.
  const reach = Math.min(12, 60 / Math.max(Math.abs(nearest), 1));
  const from = Math.max(a, nearest - reach);
  const to = Math.min(b, nearest + reach);
  const integral = simpson((t) => Math.exp(-0.5 * (t * t - nearest * nearest)), from, to, 4000);
  return Math.log(integral) - 0.5 * nearest * nearest - logRootTwoPi;
}

/** Quantized-normal NLL of one value in nats (bins of width (high - low) / bins, edge bins absorb the tails). */
export function referenceQuantizedNormalNll(
  x: number,
  mean: number,
  sigma: number,
  bins = 256,
  low = 0,
  high = 1,
  binning: 'partition' | 'centred' = 'partition',
): number {
  const centred = binning === 'centred';
  const width = (high - low) / (centred ? bins - 1 : bins);
  const position = (x - low) / width;
  const bin = Math.min(bins - 1, Math.max(0, centred ? Math.round(position) : Math.floor(position)));
  const lowerEdge = low + (centred ? bin - 0.5 : bin) * width;
  const lower = bin === 0 ? -Infinity : (lowerEdge - mean) / sigma;
  const upper = bin === bins - 1 ? Infinity : (lowerEdge + width - mean) / sigma;
  return -referenceLogBinProbability(lower, upper);
}

/** Central finite-difference gradient of f at `point`. */
export function finiteDifferenceGradient(f: (point: number[]) => number, point: readonly number[], step = 1e-5): number[] {
  return point.map((_, index) => {
    const plus = [...point];
    const minus = [...point];
    plus[index] = (plus[index] as number) + step;
    minus[index] = (minus[index] as number) - step;
    return (f(plus) - f(minus)) / (2 * step);
  });
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), for test data without tfjs. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
