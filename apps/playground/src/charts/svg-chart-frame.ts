import { formatTick, type Scale } from './chart-scales.js';

const svgNamespace = 'http://www.w3.org/2000/svg';

/** The drawing area of every chart, in viewBox units (the SVG scales with its CSS width). */
export const chartSize = { width: 440, height: 230, left: 52, right: 12, top: 26, bottom: 34 } as const;
export const plotArea = {
  left: chartSize.left,
  right: chartSize.width - chartSize.right,
  top: chartSize.top,
  bottom: chartSize.height - chartSize.bottom,
} as const;

export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  parent?.appendChild(element);
  return element;
}

/** Clears the SVG and draws the title, grid, ticks and axis labels; returns the group to draw the data into. */
export function drawChartFrame(
  svg: SVGSVGElement,
  frame: { title: string; xLabel: string; yLabel: string; x: Scale; y: Scale },
): SVGGElement {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${chartSize.width} ${chartSize.height}`);
  svgElement('text', { x: plotArea.left, y: 16, class: 'chart-title' }, svg).textContent = frame.title;
  const axes = svgElement('g', { class: 'chart-axes' }, svg);
  for (const tick of frame.y.ticks) {
    const y = frame.y(tick);
    svgElement('line', { x1: plotArea.left, x2: plotArea.right, y1: y, y2: y, class: 'chart-grid' }, axes);
    svgElement('text', { x: plotArea.left - 6, y: y + 4, class: 'chart-tick', 'text-anchor': 'end' }, axes).textContent = formatTick(tick);
  }
  for (const tick of frame.x.ticks) {
    const x = frame.x(tick);
    svgElement('line', { x1: x, x2: x, y1: plotArea.top, y2: plotArea.bottom, class: 'chart-grid' }, axes);
    svgElement('text', { x, y: plotArea.bottom + 14, class: 'chart-tick', 'text-anchor': 'middle' }, axes).textContent = formatTick(tick);
  }
  svgElement('rect', {
    x: plotArea.left,
    y: plotArea.top,
    width: plotArea.right - plotArea.left,
    height: plotArea.bottom - plotArea.top,
    class: 'chart-border',
  }, axes);
  svgElement('text', { x: (plotArea.left + plotArea.right) / 2, y: chartSize.height - 4, class: 'chart-label', 'text-anchor': 'middle' }, axes)
    .textContent = frame.xLabel;
  const yLabelX = 12;
  const yLabelY = (plotArea.top + plotArea.bottom) / 2;
  svgElement('text', { x: yLabelX, y: yLabelY, class: 'chart-label', 'text-anchor': 'middle', transform: `rotate(-90 ${yLabelX} ${yLabelY})` }, axes)
    .textContent = frame.yLabel;
  const clip = `clip-${svg.id || 'chart'}`;
  const defs = svgElement('defs', {}, svg);
  const clipPath = svgElement('clipPath', { id: clip }, defs);
  svgElement('rect', { x: plotArea.left, y: plotArea.top, width: plotArea.right - plotArea.left, height: plotArea.bottom - plotArea.top }, clipPath);
  return svgElement('g', { 'clip-path': `url(#${clip})` }, svg);
}

/** "M x0 y0 L x1 y1 ..." through the points that are finite. */
export function linePath(points: ReadonlyArray<readonly [number, number]>, x: Scale, y: Scale): string {
  return points
    .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py))
    .map(([px, py], index) => `${index === 0 ? 'M' : 'L'}${x(px).toFixed(1)} ${y(py).toFixed(1)}`)
    .join(' ');
}
