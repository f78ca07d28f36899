export interface Scale {
  /** Data value to pixel. */
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
}

/** About `count` round ticks (1, 2 or 5 times a power of ten apart) inside [minimum, maximum]. */
export function niceTicks(minimum: number, maximum: number, count = 5): number[] {
  if (!(maximum > minimum)) return [minimum];
  const rough = (maximum - minimum) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const spacing = ([1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = Math.ceil(minimum / spacing) * spacing; tick <= maximum + spacing * 1e-9; tick += spacing) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

/** The domain of some values, padded by `padding` of its span (a flat series gets a span of its own size). */
export function extent(values: readonly number[], padding = 0.05): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let minimum = Math.min(...finite);
  let maximum = Math.max(...finite);
  if (maximum === minimum) {
    const half = Math.abs(minimum) * 0.1 || 0.5;
    return [minimum - half, maximum + half];
  }
  const pad = (maximum - minimum) * padding;
  minimum -= pad;
  maximum += pad;
  return [minimum, maximum];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number], tickCount = 5): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = (value: number) => r0 + ((value - d0) / span) * (r1 - r0);
  return Object.assign(scale, { domain, ticks: niceTicks(d0, d1, tickCount) });
}

/**
 * A log10 scale over positive values; ticks at the powers of ten inside the domain, plus 2x and 5x when it spans
 * less than two decades, and round linear ticks when it spans less than one (so a short range still has labels).
 */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const d0 = Math.log10(domain[0]);
  const d1 = Math.log10(Math.max(domain[1], domain[0] * 1.0001));
  const [r0, r1] = range;
  const scale = (value: number) => r0 + ((Math.log10(value) - d0) / (d1 - d0)) * (r1 - r0);
  if (d1 - d0 < 1) {
    const ticks = niceTicks(10 ** d0, 10 ** d1, 4).filter((tick) => tick > 0);
    return Object.assign(scale, { domain, ticks });
  }
  const mantissas = d1 - d0 < 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let power = Math.floor(d0); power <= Math.ceil(d1); power += 1) {
    for (const mantissa of mantissas) {
      const tick = Number((mantissa * 10 ** power).toPrecision(12));
      if (Math.log10(tick) >= d0 - 1e-9 && Math.log10(tick) <= d1 + 1e-9) ticks.push(tick);
    }
  }
  return Object.assign(scale, { domain, ticks });
}

/** The domain of positive values on a log axis, padded by a few percent (a multiplicative margin). */
export function logExtent(values: readonly number[]): [number, number] {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  if (positive.length === 0) return [0.1, 10];
  const minimum = Math.min(...positive);
  const maximum = Math.max(...positive);
  const ratio = maximum / minimum;
  const margin = ratio < 1.5 ? 1.25 : ratio ** 0.05;
  return [minimum / margin, maximum * margin];
}

/** Short tick labels: 0.15, 2.5, 1e+3 -> "1000", 1e-4 -> "1e-4". */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

/** Viridis-like colour for t in [0, 1] (dark blue early, yellow late): the information plane's colour for the step. */
export function stepColour(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ] as const;
  const position = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const index = Math.min(stops.length - 2, Math.floor(position));
  const fraction = position - index;
  const from = stops[index] as readonly number[];
  const to = stops[index + 1] as readonly number[];
  const channel = (k: number) => Math.round((from[k] as number) + ((to[k] as number) - (from[k] as number)) * fraction);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}
