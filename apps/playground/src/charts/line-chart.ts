import { extent, linearScale, logExtent, logScale } from './chart-scales.js';
import { drawChartFrame, linePath, plotArea, svgElement } from './svg-chart-frame.js';

export interface LineSeries {
  readonly label: string;
  /** CSS class of the path (colour, width, dashes live in the style sheet). */
  readonly className: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel?: string;
  readonly yAxis: 'linear' | 'log';
  readonly series: readonly LineSeries[];
}

/** Draws step-indexed series as SVG paths, with a legend when there is more than one series. */
export function renderLineChart(svg: SVGSVGElement, options: LineChartOptions): void {
  const all = options.series.flatMap((series) => series.points);
  const steps = all.map(([step]) => step);
  const values = all.map(([, value]) => value);
  const x = linearScale([Math.min(0, ...steps), Math.max(1, ...steps)], [plotArea.left, plotArea.right]);
  const y =
    options.yAxis === 'log'
      ? logScale(logExtent(values), [plotArea.bottom, plotArea.top])
      : linearScale(extent(values), [plotArea.bottom, plotArea.top], 4);
  const plot = drawChartFrame(svg, { title: options.title, xLabel: options.xLabel ?? 'step', yLabel: options.yLabel, x, y });
  for (const series of options.series) {
    if (series.points.length === 0) continue;
    svgElement('path', { d: linePath(series.points, x, y), class: `chart-line ${series.className}` }, plot);
  }
  if (options.series.length > 1) drawLegend(svg, options.series);
}

/** One line per series in the plot's top-right corner, on a translucent backing so the data shows through. */
function drawLegend(svg: SVGSVGElement, series: readonly LineSeries[]): void {
  const rowHeight = 13;
  const width = 24 + 6.6 * Math.max(...series.map((entry) => entry.label.length));
  const right = plotArea.right - 6;
  const legend = svgElement('g', { class: 'chart-legend-box' }, svg);
  svgElement('rect', { x: right - width - 4, y: plotArea.top + 4, width: width + 8, height: series.length * rowHeight + 4, class: 'chart-legend-backing' }, legend);
  series.forEach((entry, index) => {
    const y = plotArea.top + 4 + rowHeight * (index + 1) - 3;
    svgElement('line', { x1: right - width, x2: right - width + 16, y1: y - 3, y2: y - 3, class: `chart-line ${entry.className}` }, legend);
    svgElement('text', { x: right - width + 20, y, class: 'chart-legend' }, legend).textContent = entry.label;
  });
}
