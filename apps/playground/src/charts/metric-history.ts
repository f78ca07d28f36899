/** One training step as the charts see it. */
export interface MetricPoint {
  readonly step: number;
  /** Batch mean KL, nats. */
  readonly kl: number;
  /** Exponential moving average of `kl` (decay 0.95): the batch KL is too noisy to read a trend from. */
  readonly klSmoothed: number;
  /** GECO's moving average of the constraint in per-pixel RMSE (what the multiplier follows). */
  readonly error: number;
  /** This batch's per-pixel RMSE. */
  readonly batchError: number;
  readonly lambda: number;
  readonly kappa: number;
}

export interface MetricHistory {
  readonly points: () => readonly MetricPoint[];
  push(point: Omit<MetricPoint, 'klSmoothed'>): MetricPoint;
  clear(): void;
}

/**
 * The run's metrics for the charts, bounded: past `limit` points every other old point is dropped, so a long run
 * keeps its whole shape at half the resolution and drawing stays cheap (the newest point is always kept).
 */
export function createMetricHistory(limit = 800, klDecay = 0.95): MetricHistory {
  let points: MetricPoint[] = [];
  let klSmoothed: number | undefined;
  return {
    points: () => points,
    push(point) {
      klSmoothed = klSmoothed === undefined ? point.kl : klDecay * klSmoothed + (1 - klDecay) * point.kl;
      const full: MetricPoint = { ...point, klSmoothed };
      points.push(full);
      if (points.length > limit) points = points.filter((_, index) => index % 2 === 0 || index === points.length - 1);
      return full;
    },
    clear() {
      points = [];
      klSmoothed = undefined;
    },
  };
}
