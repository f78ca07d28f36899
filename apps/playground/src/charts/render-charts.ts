import { renderInformationPlane } from './information-plane.js';
import { renderLineChart } from './line-chart.js';
import type { MetricPoint } from './metric-history.js';

export interface ChartElements {
  readonly kl: SVGSVGElement;
  readonly error: SVGSVGElement;
  readonly lambda: SVGSVGElement;
  readonly plane: SVGSVGElement;
}

/** Redraws the four charts from the history (cheap: at most a few hundred points each). */
export function renderCharts(charts: ChartElements, points: readonly MetricPoint[]): void {
  renderLineChart(charts.kl, {
    title: 'KL divergence',
    yLabel: 'nats',
    yAxis: 'linear',
    series: [
      { label: 'batch', className: 'series-raw', points: points.map((point) => [point.step, point.kl]) },
      { label: 'smoothed', className: 'series-kl', points: points.map((point) => [point.step, point.klSmoothed]) },
    ],
  });
  renderLineChart(charts.error, {
    title: 'reconstruction error against κ',
    yLabel: 'per-pixel RMSE',
    yAxis: 'linear',
    series: [
      { label: 'batch', className: 'series-raw', points: points.map((point) => [point.step, point.batchError]) },
      { label: 'moving avg.', className: 'series-error', points: points.map((point) => [point.step, point.error]) },
      { label: 'κ', className: 'series-kappa', points: points.map((point) => [point.step, point.kappa]) },
    ],
  });
  renderLineChart(charts.lambda, {
    title: 'Lagrange multiplier λ (log scale)',
    yLabel: 'λ',
    yAxis: 'log',
    series: [{ label: 'λ', className: 'series-lambda', points: points.map((point) => [point.step, point.lambda]) }],
  });
  renderInformationPlane(charts.plane, points);
}
