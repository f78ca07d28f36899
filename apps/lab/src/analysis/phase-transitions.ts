import { InvalidArgumentError } from '@tame/core';

/** `count` betas log-spaced from `low` to `high` inclusive. */
export function logSpacedBetas(count: number, low = 1e-3, high = 3): number[] {
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('betas', `${count}; expected a positive integer`);
  if (!(low > 0) || !(high >= low) || !Number.isFinite(high)) throw new InvalidArgumentError('beta range', `[${low}, ${high}]; expected 0 < low <= high < Infinity`);
  if (count === 1) return [low];
  const step = Math.log(high / low) / (count - 1);
  return Array.from({ length: count }, (_, index) => (index === count - 1 ? high : low * Math.exp(step * index)));
}

/**
 * Three-point second derivative d2y/dx2 on a (possibly non-uniform) grid:
 * 2 [(y+ - y)/h+ - (y - y-)/h-] / (h+ + h-), exact for quadratics. NaN at both ends.
 */
export function secondDerivative(xs: readonly number[], ys: readonly number[]): number[] {
  if (xs.length !== ys.length) throw new InvalidArgumentError('ys', `${ys.length} values for ${xs.length} abscissae`);
  return xs.map((x, index) => {
    if (index === 0 || index === xs.length - 1) return Number.NaN;
    const before = xs[index - 1] as number;
    const after = xs[index + 1] as number;
    const y = ys[index] as number;
    const forward = ((ys[index + 1] as number) - y) / (after - x);
    const backward = (y - (ys[index - 1] as number)) / (x - before);
    return (2 * (forward - backward)) / (after - before);
  });
}

/**
 * Critical betas: interior local maxima of |curvature| (strictly above the left neighbour, at least the right one),
 * sorted by height, the `count` highest kept (fixed-points.md: the seed's Figure 2 analysis keeps 3).
 */
export function criticalBetas(betas: readonly number[], curvature: readonly number[], count = 3): number[] {
  const height = curvature.map(Math.abs);
  const peaks: number[] = [];
  for (let index = 1; index < betas.length - 1; index += 1) {
    const here = height[index] as number;
    const left = height[index - 1] as number;
    const right = height[index + 1] as number;
    if (Number.isFinite(here) && Number.isFinite(left) && Number.isFinite(right) && here > 0 && here > left && here >= right) peaks.push(index);
  }
  return peaks
    .sort((a, b) => (height[b] as number) - (height[a] as number) || a - b)
    .slice(0, count)
    .map((index) => betas[index] as number);
}
