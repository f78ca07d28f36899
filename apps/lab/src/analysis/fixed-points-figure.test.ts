import { describe, expect, it } from 'vitest';
import { overlayChart } from '../report/scatter-chart.js';
import { figurePanels, recordedTiles, renderFixedPointFigure, representativeBetas } from './fixed-points-figure.js';
import { sweepFixedPoints } from './fixed-points.js';
import { logSpacedBetas } from './phase-transitions.js';

const circles = (svg: string) => [...svg.matchAll(/<circle cx="([\d.-]+)" cy="([\d.-]+)"/g)].map((match) => [Number(match[1]), Number(match[2])] as const);

describe('overlay chart (report/scatter-chart.ts)', () => {
  it('draws dots, trajectories and lines; equal aspect gives one pixel scale on both axes', () => {
    const svg = overlayChart(
      [
        { kind: 'dots', points: [[0, 0], [2, 1]], color: '#1f77b4' },
        { kind: 'paths', paths: [[[0, 0], [1, 0.5], [2, 1]]], color: '#888' },
      ],
      { title: 'T', xLabel: 'x', yLabel: 'y', equalAspect: true, width: 400, height: 300 },
    );
    const [[x0, y0], [x1, y1]] = circles(svg) as [[number, number], [number, number]];
    // 2 data units across, 1 up: the pixel offsets keep that ratio (y grows upwards).
    expect((x1 - x0) / (y0 - y1)).toBeCloseTo(2, 1);
    expect(svg).toContain('<path d="M');
    expect(svg.match(/<svg/g)).toHaveLength(1);
  });

  it('log x axis: equal spacing per decade, vertical marker lines, non-positive values dropped on log axes', () => {
    const svg = overlayChart([{ kind: 'dots', points: [[0.01, 1], [0.1, 1], [1, 1], [-1, 1]], color: 'red' }], {
      title: 'log',
      xLabel: 'β',
      yLabel: 'E',
      logX: true,
      verticalLines: [{ value: 0.1, label: 'β1' }],
    });
    const xs = circles(svg).map(([x]) => x);
    expect(xs).toHaveLength(3);
    expect((xs[1] as number) - (xs[0] as number)).toBeCloseTo((xs[2] as number) - (xs[1] as number), 0);
    expect(svg).toContain('stroke-dasharray="5 4"');
    expect(svg).toContain('>β1<');
  });
});

describe('fixed-point figure', () => {
  it('records an evenly spread 8 x 8 subset of tiles (all tiles on small grids)', () => {
    expect(recordedTiles(32)).toHaveLength(64);
    expect(recordedTiles(32)[0]).toBe(2 * 32 + 2);
    expect(recordedTiles(4)).toEqual(Array.from({ length: 16 }, (_, index) => index));
  });

  it('takes one representative beta per phase between the critical betas', () => {
    const betas = logSpacedBetas(31, 1e-3, 1);
    // Betas 10^(-3 + index / 10): the phases [1e-3, 0.01], [0.01, 0.1], [0.1, 1] have their middles at indices 5, 15, 25.
    expect(representativeBetas(betas, [0.1, 0.01])).toEqual([betas[5], betas[15], betas[25]]);
    expect(representativeBetas(betas, [])).toEqual([betas[0], betas[15], betas[30]]);
  });

  it('renders data (blue), trajectories (grey) and fixed points (red) per panel, and the E, count and curvature charts', () => {
    const points = Float64Array.of(-1, 0, -0.9, 0.1, 1, 0, 1.1, -0.1);
    const data = { points, dimension: 2 };
    const options = { tileSide: 4, maxIterations: 30 };
    const sweep = sweepFixedPoints(data, { ...options, betas: logSpacedBetas(8, 1e-3, 3) });
    const panels = figurePanels(data, options, sweep);
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) expect(panel.trajectories).toHaveLength(16);
    const html = renderFixedPointFigure({ title: 'Test <figure>', settings: { data: 'four points' }, data, sweep, panels });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Test &#60;figure&#62;');
    expect(html).toContain('documented reconstruction');
    expect(html.match(/<svg /g)).toHaveLength(panels.length + 4);
    expect(html.match(/<g fill="#1f77b4"/g)).toHaveLength(panels.length);
    expect(html.match(/<g fill="none" stroke="#888"/g)).toHaveLength(panels.length);
    expect(html.match(/<g fill="#d62728"/g)).toHaveLength(panels.length);
    // Dashed lines at each critical beta on the 4 charts against beta.
    expect(html.match(/stroke-dasharray="5 4"/g) ?? []).toHaveLength(4 * sweep.criticalBetas.length);
    expect(html).not.toContain('NaN');
  });
});
