// A dependency-free SVG overlay chart: dots, polylines and lines in one frame, with optional log axes, an equal
// aspect ratio (for 2-D data) and vertical marker lines. Used by the fixed-point figures (Figures 2 and 7).
import { formatTick } from './svg-chart.js';

export type Point = readonly [number, number];

export type OverlayLayer =
  /** Dots of one colour. */
  | { readonly kind: 'dots'; readonly points: readonly Point[]; readonly color: string; readonly radius?: number; readonly opacity?: number; readonly name?: string }
  /** Separate polylines of one colour (trajectories). */
  | { readonly kind: 'paths'; readonly paths: ReadonlyArray<readonly Point[]>; readonly color: string; readonly width?: number; readonly opacity?: number; readonly name?: string }
  /** One polyline (a series). */
  | { readonly kind: 'line'; readonly points: readonly Point[]; readonly color: string; readonly width?: number; readonly name?: string; readonly step?: boolean };

export interface OverlayOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** One data unit spans the same number of pixels on both axes (scatter plots of 2-D data). */
  readonly equalAspect?: boolean;
  /** Dashed vertical lines (e.g. critical betas). */
  readonly verticalLines?: ReadonlyArray<{ readonly value: number; readonly label: string }>;
  readonly width?: number;
  readonly height?: number;
  /** Draw the legend under the chart instead of over the plot's top-right corner (where it can hide points). */
  readonly legendBelow?: boolean;
}

const margin = { left: 64, right: 16, top: 28, bottom: 44 };
const escapeXml = (text: string) => text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);

interface Scale {
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
}

function scaleOf(values: readonly number[], log: boolean): Scale {
  const usable = values.filter((value) => Number.isFinite(value) && (!log || value > 0)).map((value) => (log ? Math.log10(value) : value));
  let low = usable.length > 0 ? Math.min(...usable) : 0;
  let high = usable.length > 0 ? Math.max(...usable) : 1;
  if (high - low < 1e-12) {
    low -= 0.5;
    high += 0.5;
  }
  const pad = (high - low) * 0.04;
  return { low: low - pad, high: high + pad, log };
}

/** Widens the scale with the smaller pixels-per-unit so that both axes share one. */
function equalise(x: Scale, y: Scale, plotWidth: number, plotHeight: number): [Scale, Scale] {
  const unit = Math.min(plotWidth / (x.high - x.low), plotHeight / (y.high - y.low));
  const widen = (scale: Scale, pixels: number): Scale => {
    const half = pixels / unit / 2;
    const centre = (scale.low + scale.high) / 2;
    return { ...scale, low: centre - half, high: centre + half };
  };
  return [widen(x, plotWidth), widen(y, plotHeight)];
}

function ticksOf(scale: Scale): number[] {
  if (scale.log) {
    const ticks: number[] = [];
    for (let exponent = Math.ceil(scale.low); exponent <= Math.floor(scale.high); exponent += 1) ticks.push(10 ** exponent);
    return ticks;
  }
  const rough = (scale.high - scale.low) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = Math.ceil(scale.low / step) * step; tick <= scale.high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

const project = (scale: Scale, pixelLow: number, pixelHigh: number) => (value: number) =>
  pixelLow + ((pixelHigh - pixelLow) * ((scale.log ? Math.log10(value) : value) - scale.low)) / (scale.high - scale.low);

/** Path data of a polyline in pixels; points closer than half a pixel to the last kept one are dropped. */
function pathData(points: readonly Point[], toX: (value: number) => number, toY: (value: number) => number): string {
  const parts: string[] = [];
  let last: [number, number] | undefined;
  points.forEach(([px, py], index) => {
    const pixel: [number, number] = [toX(px), toY(py)];
    if (!Number.isFinite(pixel[0]) || !Number.isFinite(pixel[1])) return;
    const isLast = index === points.length - 1;
    if (last !== undefined && !isLast && Math.hypot(pixel[0] - last[0], pixel[1] - last[1]) < 0.5) return;
    parts.push(`${last === undefined ? 'M' : 'L'}${pixel[0].toFixed(1)},${pixel[1].toFixed(1)}`);
    last = pixel;
  });
  return parts.join('');
}

const layerPoints = (layer: OverlayLayer): readonly Point[] => (layer.kind === 'paths' ? layer.paths.flat() : layer.points);

/** An SVG chart of several overlaid layers, drawn in order (later layers on top). */
export function overlayChart(layers: readonly OverlayLayer[], options: OverlayOptions): string {
  const width = options.width ?? 460;
  const height = options.height ?? 280;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const all = layers.flatMap(layerPoints);
  let xScale = scaleOf([...all.map(([x]) => x), ...(options.verticalLines ?? []).map((line) => line.value)], options.logX ?? false);
  let yScale = scaleOf(all.map(([, y]) => y), options.logY ?? false);
  if (options.equalAspect === true && !xScale.log && !yScale.log) [xScale, yScale] = equalise(xScale, yScale, plotWidth, plotHeight);
  const toX = project(xScale, margin.left, width - margin.right);
  const toY = project(yScale, height - margin.bottom, margin.top);
  const keep = (point: Point) => Number.isFinite(point[0]) && Number.isFinite(point[1]) && (!xScale.log || point[0] > 0) && (!yScale.log || point[1] > 0);
  const body = layers
    .map((layer) => {
      switch (layer.kind) {
        case 'dots':
          return `<g fill="${layer.color}" fill-opacity="${layer.opacity ?? 1}">${layer.points
            .filter(keep)
            .map(([x, y]) => `<circle cx="${toX(x).toFixed(1)}" cy="${toY(y).toFixed(1)}" r="${layer.radius ?? 2}"/>`)
            .join('')}</g>`;
        case 'paths':
          return `<g fill="none" stroke="${layer.color}" stroke-width="${layer.width ?? 0.8}" stroke-opacity="${layer.opacity ?? 1}">${layer.paths
            .map((path) => `<path d="${pathData(path.filter(keep), toX, toY)}"/>`)
            .join('')}</g>`;
        case 'line': {
          const points = layer.points.filter(keep);
          const stepped = layer.step === true ? points.flatMap((point, index): Point[] => (index === 0 ? [point] : [[point[0], (points[index - 1] as Point)[1]], point])) : points;
          return `<path d="${pathData(stepped, toX, toY)}" fill="none" stroke="${layer.color}" stroke-width="${layer.width ?? 1.5}"/>`;
        }
      }
    })
    .join('');
  const verticals = (options.verticalLines ?? [])
    .filter((line) => Number.isFinite(line.value) && (!xScale.log || line.value > 0))
    .map(
      (line) =>
        `<line x1="${toX(line.value).toFixed(1)}" x2="${toX(line.value).toFixed(1)}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#000" stroke-dasharray="5 4"/>` +
        `<text x="${(toX(line.value) + 3).toFixed(1)}" y="${margin.top + 12}" font-size="10">${escapeXml(line.label)}</text>`,
    )
    .join('');
  const xTicks = ticksOf(xScale)
    .map((tick) => `<line x1="${toX(tick).toFixed(1)}" y1="${height - margin.bottom}" x2="${toX(tick).toFixed(1)}" y2="${height - margin.bottom + 4}" stroke="#555"/><text x="${toX(tick).toFixed(1)}" y="${height - margin.bottom + 16}" text-anchor="middle">${formatTick(tick)}</text>`)
    .join('');
  const yTicks = ticksOf(yScale)
    .map((tick) => `<line x1="${margin.left}" y1="${toY(tick).toFixed(1)}" x2="${width - margin.right}" y2="${toY(tick).toFixed(1)}" stroke="#eee"/><text x="${margin.left - 6}" y="${(toY(tick) + 4).toFixed(1)}" text-anchor="end">${formatTick(tick)}</text>`)
    .join('');
  const named = layers.filter((layer) => layer.name !== undefined);
  const below = options.legendBelow === true;
  const svgHeight = below ? height + named.length * 14 + 6 : height;
  const legendBox =
    named.length > 0 && !below ? `<rect x="${width - margin.right - 114}" y="${margin.top + 3}" width="110" height="${named.length * 14 + 4}" fill="#fff" fill-opacity="0.8"/>` : '';
  const legendLeft = below ? margin.left : width - margin.right - 110;
  const legendTop = below ? height + 8 : margin.top + 14;
  const legend = named
    .map((layer, index) => `<g transform="translate(${legendLeft} ${legendTop + index * 14})"><rect width="10" height="${layer.kind === 'dots' ? 8 : 3}" y="${layer.kind === 'dots' ? -7 : -4}" fill="${layer.color}"/><text x="14">${escapeXml(layer.name as string)}</text></g>`)
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${svgHeight}" width="${width}" height="${svgHeight}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(options.title)}">`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
    yTicks,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#555"/>`,
    xTicks,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    body,
    verticals,
    legendBox,
    legend,
    '</svg>',
  ].join('');
}
