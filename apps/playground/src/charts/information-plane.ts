import { extent, linearScale, stepColour } from './chart-scales.js';
import type { MetricPoint } from './metric-history.js';
import { drawChartFrame, plotArea, svgElement } from './svg-chart-frame.js';

/**
 * The information plane: reconstruction error (GECO's moving average, per-pixel RMSE) against the KL (smoothed),
 * one dot per recorded step, coloured from dark (early) to yellow (late); the dashed line is the current kappa.
 * Training under GECO moves left until the error meets kappa, then down (less KL at the same error).
 */
export function renderInformationPlane(svg: SVGSVGElement, points: readonly MetricPoint[]): void {
  const kappa = points.at(-1)?.kappa;
  const x = linearScale(extent([...points.map((point) => point.error), ...(kappa === undefined ? [] : [kappa])]), [plotArea.left, plotArea.right], 5);
  const y = linearScale(extent(points.map((point) => point.klSmoothed)), [plotArea.bottom, plotArea.top], 4);
  const plot = drawChartFrame(svg, { title: 'information plane', xLabel: 'reconstruction error (RMSE, moving average)', yLabel: 'KL (nats)', x, y });
  if (kappa !== undefined) {
    svgElement('line', { x1: x(kappa), x2: x(kappa), y1: plotArea.top, y2: plotArea.bottom, class: 'chart-line series-kappa' }, plot);
  }
  const first = points[0]?.step ?? 0;
  const span = Math.max(1, (points.at(-1)?.step ?? 1) - first);
  for (const point of points) {
    if (!Number.isFinite(point.error) || !Number.isFinite(point.klSmoothed)) continue;
    svgElement('circle', {
      cx: x(point.error).toFixed(1),
      cy: y(point.klSmoothed).toFixed(1),
      r: 2.2,
      fill: stepColour((point.step - first) / span),
      class: 'plane-point',
    }, plot);
  }
}
