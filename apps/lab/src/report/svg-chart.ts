// Small dependency-free SVG charts for the self-contained run report.

export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly color?: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY?: boolean;
  /** Horizontal reference lines (e.g. a constraint's kappa). */
  readonly thresholds?: ReadonlyArray<{ readonly value: number; readonly label: string }>;
  readonly width?: number;
  readonly height?: number;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const margin = { left: 64, right: 16, top: 28, bottom: 44 };

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** Three significant digits, compact exponent for very large or small magnitudes. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-3 ? value.toExponential(1).replace('e+', 'e') : String(Number(value.toPrecision(3)));
}

function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

interface Axis {
  readonly toPixel: (value: number) => number;
  readonly ticks: number[];
}

function makeAxis(values: number[], pixelLow: number, pixelHigh: number, log: boolean): Axis {
  const usable = values.filter((value) => Number.isFinite(value) && (!log || value > 0));
  let low = usable.length > 0 ? Math.min(...usable) : 0;
  let high = usable.length > 0 ? Math.max(...usable) : 1;
  if (log) {
    low = Math.log10(low);
    high = Math.log10(high);
  }
  if (high - low < 1e-12) {
    low -= 0.5;
    high += 0.5;
  }
  const pad = (high - low) * 0.04;
  low -= pad;
  high += pad;
  const toPixel = (value: number) => pixelLow + ((pixelHigh - pixelLow) * ((log ? Math.log10(value) : value) - low)) / (high - low);
  const ticks = log
    ? niceTicks(Math.ceil(low), Math.floor(high), 5).filter(Number.isInteger).map((exponent) => 10 ** exponent)
    : niceTicks(low, high);
  return { toPixel, ticks };
}

function frame(options: ChartOptions, x: Axis, y: Axis, width: number, height: number, body: string): string {
  const xTicks = x.ticks
    .map((tick) => `<line x1="${x.toPixel(tick)}" y1="${height - margin.bottom}" x2="${x.toPixel(tick)}" y2="${height - margin.bottom + 4}" stroke="#555"/><text x="${x.toPixel(tick)}" y="${height - margin.bottom + 16}" text-anchor="middle">${formatTick(tick)}</text>`)
    .join('');
  const yTicks = y.ticks
    .map((tick) => `<line x1="${margin.left}" y1="${y.toPixel(tick)}" x2="${width - margin.right}" y2="${y.toPixel(tick)}" stroke="#eee"/><text x="${margin.left - 6}" y="${y.toPixel(tick) + 4}" text-anchor="end">${formatTick(tick)}</text>`)
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(options.title)}">`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
    yTicks,
    `<rect x="${margin.left}" y="${margin.top}" width="${width - margin.left - margin.right}" height="${height - margin.top - margin.bottom}" fill="none" stroke="#555"/>`,
    xTicks,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    body,
    '</svg>',
  ].join('');
}

const finitePoints = (points: ReadonlyArray<readonly [number, number]>, logY: boolean) =>
  points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0));

/** Line chart of one or more series, with optional dashed threshold lines and a legend. */
export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 460;
  const height = options.height ?? 280;
  const logY = options.logY ?? false;
  const cleaned = series.map((entry) => ({ ...entry, points: finitePoints(entry.points, logY) }));
  const xs = cleaned.flatMap((entry) => entry.points.map(([x]) => x));
  const ys = [...cleaned.flatMap((entry) => entry.points.map(([, y]) => y)), ...(options.thresholds ?? []).map((threshold) => threshold.value)];
  const x = makeAxis(xs, margin.left, width - margin.right, false);
  const y = makeAxis(ys, height - margin.bottom, margin.top, logY);
  const lines = cleaned
    .map((entry, index) => {
      const color = entry.color ?? palette[index % palette.length];
      const path = entry.points.map(([px, py], position) => `${position === 0 ? 'M' : 'L'}${x.toPixel(px).toFixed(1)},${y.toPixel(py).toFixed(1)}`).join('');
      return `<path d="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`;
    })
    .join('');
  const thresholds = (options.thresholds ?? [])
    .filter((threshold) => !logY || threshold.value > 0)
    .map(
      (threshold) =>
        `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y.toPixel(threshold.value)}" y2="${y.toPixel(threshold.value)}" stroke="#000" stroke-dasharray="5 4"/>` +
        `<text x="${width - margin.right - 4}" y="${y.toPixel(threshold.value) - 4}" text-anchor="end">${escapeXml(threshold.label)}</text>`,
    )
    .join('');
  const legend = cleaned
    .map((entry, index) => `<g transform="translate(${margin.left + 8} ${margin.top + 14 + index * 14})"><rect width="10" height="3" y="-4" fill="${entry.color ?? palette[index % palette.length]}"/><text x="14">${escapeXml(entry.name)}</text></g>`)
    .join('');
  return frame(options, x, y, width, height, lines + thresholds + (cleaned.length > 1 ? legend : ''));
}

/** Maps t in [0, 1] to a perceptually ordered colour (a compact viridis approximation). */
export function stepColor(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ] as const;
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const index = Math.min(stops.length - 2, Math.floor(clamped));
  const fraction = clamped - index;
  const [from, to] = [stops[index]!, stops[index + 1]!];
  const channel = (position: 0 | 1 | 2) => Math.round(from[position] + (to[position] - from[position]) * fraction);
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`;
}

/**
 * A trajectory in a plane (the information plane of Figure 3: KL on x, distortion on y), points coloured by step,
 * joined in order, with a colour bar from the first to the last step.
 */
export function trajectoryChart(points: ReadonlyArray<{ readonly x: number; readonly y: number; readonly step: number }>, options: ChartOptions): string {
  const width = options.width ?? 460;
  const height = options.height ?? 280;
  const logY = options.logY ?? false;
  const usable = points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y) && (!logY || point.y > 0));
  const x = makeAxis(usable.map((point) => point.x), margin.left, width - margin.right - 40, false);
  const y = makeAxis([...usable.map((point) => point.y), ...(options.thresholds ?? []).map((threshold) => threshold.value)], height - margin.bottom, margin.top, logY);
  const first = usable[0]?.step ?? 0;
  const last = usable.at(-1)?.step ?? 1;
  const t = (step: number) => (last > first ? (step - first) / (last - first) : 1);
  const path = usable.map((point, index) => `${index === 0 ? 'M' : 'L'}${x.toPixel(point.x).toFixed(1)},${y.toPixel(point.y).toFixed(1)}`).join('');
  const dots = usable.map((point) => `<circle cx="${x.toPixel(point.x).toFixed(1)}" cy="${y.toPixel(point.y).toFixed(1)}" r="2.6" fill="${stepColor(t(point.step))}"><title>step ${point.step}</title></circle>`).join('');
  const thresholds = (options.thresholds ?? [])
    .map((threshold) => `<line x1="${margin.left}" x2="${width - margin.right - 40}" y1="${y.toPixel(threshold.value)}" y2="${y.toPixel(threshold.value)}" stroke="#000" stroke-dasharray="5 4"/><text x="${width - margin.right - 44}" y="${y.toPixel(threshold.value) - 4}" text-anchor="end">${escapeXml(threshold.label)}</text>`)
    .join('');
  const barTop = margin.top;
  const barHeight = height - margin.top - margin.bottom;
  const bar = Array.from({ length: 20 }, (_, index) => `<rect x="${width - margin.right - 22}" y="${barTop + (barHeight * (19 - index)) / 20}" width="10" height="${barHeight / 20 + 0.5}" fill="${stepColor(index / 19)}"/>`).join('');
  const barLabels = `<text x="${width - margin.right - 17}" y="${barTop - 4}" text-anchor="middle">${last}</text><text x="${width - margin.right - 17}" y="${barTop + barHeight + 12}" text-anchor="middle">${first}</text>`;
  return frame(options, x, y, width, height, `<path d="${path}" fill="none" stroke="#bbb" stroke-width="1"/>${dots}${thresholds}${bar}${barLabels}`);
}
