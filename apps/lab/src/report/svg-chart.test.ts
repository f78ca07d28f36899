import { describe, expect, it } from 'vitest';
import { formatTick, lineChart, stepColor, trajectoryChart } from './svg-chart.js';

const coordinates = (svg: string) =>
  [...svg.matchAll(/<path d="([^"]+)"/g)].map((match) => [...match[1]!.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((point) => [Number(point[1]), Number(point[2])]));

describe('svg charts', () => {
  it('maps data linearly into the plot area: x grows to the right, y grows upwards', () => {
    const svg = lineChart([{ name: 'a', points: [[0, 0], [5, 5], [10, 10]] }], { title: 'T', xLabel: 'x', yLabel: 'y', width: 400, height: 300 });
    const [points] = coordinates(svg);
    const [[x0, y0], [x1, y1], [x2, y2]] = points as [[number, number], [number, number], [number, number]];
    expect(x1 - x0).toBeCloseTo(x2 - x1, 0);
    expect(y0 - y1).toBeCloseTo(y1 - y2, 0);
    expect(x2).toBeGreaterThan(x0);
    expect(y2).toBeLessThan(y0);
    expect(svg).toContain('role="img"');
  });

  it('uses equal spacing per decade on a log axis, skips non-positive values and draws thresholds', () => {
    const svg = lineChart([{ name: 'λ', points: [[0, 1], [1, 10], [2, 100], [3, 0], [4, Number.NaN]] }], {
      title: 'log',
      xLabel: 'step',
      yLabel: 'λ',
      logY: true,
      thresholds: [{ value: 10, label: 'κ = 10' }],
    });
    const [points] = coordinates(svg);
    expect(points).toHaveLength(3);
    const ys = points!.map(([, y]) => y);
    expect(ys[0]! - ys[1]!).toBeCloseTo(ys[1]! - ys[2]!, 0);
    expect(svg).toContain('κ = 10');
    expect(svg).toContain('stroke-dasharray');
  });

  it('colours a trajectory from the first to the last step and escapes text', () => {
    const svg = trajectoryChart(
      [
        { x: 1, y: 2, step: 10 },
        { x: 2, y: 1, step: 20 },
      ],
      { title: 'a < b', xLabel: 'KL', yLabel: 'RE' },
    );
    expect(svg).toContain(`fill="${stepColor(0)}"`);
    expect(svg).toContain(`fill="${stepColor(1)}"`);
    expect(svg).toContain('a &#60; b');
    expect(stepColor(0)).toBe('rgb(68,1,84)');
    expect(stepColor(1)).toBe('rgb(253,231,37)');
    expect(stepColor(0.5)).toBe('rgb(33,145,140)');
  });

  it('formats ticks compactly', () => {
    expect([formatTick(0), formatTick(0.25), formatTick(1234), formatTick(1e6), formatTick(2e-5)]).toEqual(['0', '0.25', '1230', '1.0e6', '2.0e-5']);
  });
});
