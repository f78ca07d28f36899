/** One distinct fixed point: tiles whose decoder means lie within the merge tolerance of the same leader. */
export interface DistinctFixedPoint {
  /** Mass-weighted mean of the merged tiles' means. */
  readonly centre: Float64Array;
  /** Total posterior mass sum_i sum_k W_ik of the merged tiles, in data points. */
  readonly mass: number;
  readonly tiles: number;
}

export interface DistinctOptions {
  /** Means closer than this (Euclidean, data units) to a leader merge into it. Default 0.05 (fixed-points.md). */
  readonly mergeTolerance?: number;
  /** A tile takes part when its mass sum_i W_ik is at least this many data points. Default 0.01. */
  readonly massThreshold?: number;
}

/**
 * Distinct fixed points among the tiles carrying posterior mass. Leader clustering: tiles in order of decreasing
 * mass (ties by index) join the first leader within `mergeTolerance`, else lead a new group. Unlike single linkage this
 * does not chain a continuous manifold of means (Lipschitz variants) into one point; the count is deterministic.
 */
export function distinctFixedPoints(means: Float64Array, dimension: number, mass: Float64Array, options: DistinctOptions = {}): DistinctFixedPoint[] {
  const tolerance = options.mergeTolerance ?? 0.05;
  const massThreshold = options.massThreshold ?? 0.01;
  const tiles = Array.from(mass.keys())
    .filter((tile) => (mass[tile] as number) >= massThreshold)
    .sort((a, b) => (mass[b] as number) - (mass[a] as number) || a - b);
  const leaders: number[] = [];
  const groups: { sum: Float64Array; mass: number; tiles: number }[] = [];
  const squaredTolerance = tolerance * tolerance;
  for (const tile of tiles) {
    let group = -1;
    for (let index = 0; index < leaders.length && group < 0; index += 1) {
      const leader = leaders[index] as number;
      let distance = 0;
      for (let axis = 0; axis < dimension; axis += 1) {
        const difference = (means[tile * dimension + axis] as number) - (means[leader * dimension + axis] as number);
        distance += difference * difference;
      }
      if (distance <= squaredTolerance) group = index;
    }
    if (group < 0) {
      group = leaders.length;
      leaders.push(tile);
      groups.push({ sum: new Float64Array(dimension), mass: 0, tiles: 0 });
    }
    const target = groups[group] as { sum: Float64Array; mass: number; tiles: number };
    const weight = mass[tile] as number;
    for (let axis = 0; axis < dimension; axis += 1) target.sum[axis] = (target.sum[axis] as number) + weight * (means[tile * dimension + axis] as number);
    target.mass += weight;
    target.tiles += 1;
  }
  return groups.map((group) => ({ centre: group.sum.map((value) => value / group.mass), mass: group.mass, tiles: group.tiles }));
}
