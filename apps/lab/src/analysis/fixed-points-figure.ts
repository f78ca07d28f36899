// The fixed-point figure (Figures 2 and 7 of "Taming VAEs", as reconstructed in fixed-points.md): trajectories of the
// decoder means (grey), distinct fixed points (red) and data (blue) at a few betas, E(beta) with the critical betas,
// the fixed-point count and the curvatures of E. One self-contained HTML file of inline SVGs.
import { overlayChart, type Point } from '../report/scatter-chart.js';
import type { DistinctFixedPoint } from './distinct-fixed-points.js';
import { type FixedPointSweep, type PointSet, type SweepOptions, traceBeta } from './fixed-points.js';

export interface FigurePanel {
  readonly beta: number;
  /** Per recorded tile: its means over the iterations, (iterations + 1) x D. */
  readonly trajectories: readonly Float64Array[];
  readonly distinct: readonly DistinctFixedPoint[];
  readonly iterations: number;
}

/** A perSide x perSide sub-grid of tiles (evenly spread), whose trajectories are drawn. */
export function recordedTiles(tileSide: number, perSide = 8): number[] {
  const stride = Math.max(1, Math.floor(tileSide / perSide));
  const offset = Math.floor(stride / 2);
  const tiles: number[] = [];
  for (let row = offset; row < tileSide; row += stride) for (let column = offset; column < tileSide; column += stride) tiles.push(row * tileSide + column);
  return tiles;
}

/**
 * One beta per phase: the critical betas cut the grid into intervals; from each the grid beta nearest (in log) to
 * its geometric middle. Without critical betas: the first, middle and last betas.
 */
export function representativeBetas(betas: readonly number[], critical: readonly number[]): number[] {
  if (betas.length === 0) return [];
  const first = betas[0] as number;
  const last = betas.at(-1) as number;
  if (critical.length === 0) return [...new Set([first, betas[Math.floor(betas.length / 2)] as number, last])];
  const bounds = [first, ...[...critical].sort((a, b) => a - b), last];
  const chosen: number[] = [];
  for (let index = 0; index + 1 < bounds.length; index += 1) {
    const middle = Math.sqrt((bounds[index] as number) * (bounds[index + 1] as number));
    const nearest = betas.reduce((best, beta) => (Math.abs(Math.log(beta / middle)) < Math.abs(Math.log(best / middle)) ? beta : best));
    if (!chosen.includes(nearest)) chosen.push(nearest);
  }
  return chosen;
}

/** Re-runs the representative betas of a sweep with trajectory recording. */
export function figurePanels(data: PointSet, options: Omit<SweepOptions, 'betas'>, sweep: FixedPointSweep): FigurePanel[] {
  const tiles = recordedTiles(options.tileSide ?? 32);
  return representativeBetas(sweep.betas, sweep.criticalBetas).map((beta) => {
    const run = traceBeta(data, options, beta, tiles);
    return { beta, trajectories: run.trajectories ?? [], distinct: run.distinct, iterations: run.iterations };
  });
}

const formatBeta = (beta: number) => (beta >= 0.01 ? beta.toPrecision(3) : beta.toExponential(2));
const escapeHtml = (text: string) => text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);

function toPoints(values: Float64Array, dimension: number): Point[] {
  const points: Point[] = [];
  for (let offset = 0; offset < values.length; offset += dimension) points.push([values[offset] as number, dimension > 1 ? (values[offset + 1] as number) : 0]);
  return points;
}

export interface FigureInput {
  readonly title: string;
  /** One line each, shown under the title (data, settings). */
  readonly settings: Readonly<Record<string, string | number>>;
  readonly data: PointSet;
  readonly sweep: FixedPointSweep;
  readonly panels: readonly FigurePanel[];
}

/** The figure as a self-contained HTML page. Only the first two coordinates of higher-dimensional data are drawn. */
export function renderFixedPointFigure(input: FigureInput): string {
  const { data, sweep, panels } = input;
  const dataPoints = toPoints(data.points, data.dimension);
  const critical = sweep.criticalBetas.map((beta, index) => ({ value: beta, label: `β${index + 1}` }));
  const scatter = panels.map((panel) =>
    overlayChart(
      [
        { kind: 'dots', points: dataPoints, color: '#1f77b4', radius: 1.6, opacity: 0.7, name: 'data' },
        { kind: 'paths', paths: panel.trajectories.map((trajectory) => toPoints(trajectory, data.dimension)), color: '#888', width: 0.7, opacity: 0.8, name: 'trajectories' },
        { kind: 'dots', points: panel.distinct.map((point) => [point.centre[0] as number, data.dimension > 1 ? (point.centre[1] as number) : 0]), color: '#d62728', radius: 3.2, name: 'fixed points' },
      ],
      { title: `β = ${formatBeta(panel.beta)}: ${panel.distinct.length} fixed point${panel.distinct.length === 1 ? '' : 's'}`, xLabel: 'x₁', yLabel: 'x₂', equalAspect: true, width: 360, height: 320 },
    ),
  );
  const along = (values: readonly number[]): Point[] => sweep.betas.map((beta, index) => [beta, values[index] as number]);
  const charts = [
    overlayChart([{ kind: 'line', points: along(sweep.reconstructionError), color: '#1f77b4' }], {
      title: 'Order parameter E(β) = (1/N) Σ W‖x − m‖²',
      xLabel: 'β',
      yLabel: 'E',
      logX: true,
      verticalLines: critical,
    }),
    overlayChart([{ kind: 'line', points: along(sweep.fixedPoints), color: '#d62728', step: true }], {
      title: 'Distinct fixed points',
      xLabel: 'β',
      yLabel: 'count',
      logX: true,
      logY: true,
      verticalLines: critical,
    }),
    overlayChart([{ kind: 'line', points: along(sweep.curvatureLogBeta), color: '#2ca02c' }], {
      title: 'd²E/d(log β)² (critical betas: its top peaks)',
      xLabel: 'β',
      yLabel: 'd²E/d(log β)²',
      logX: true,
      verticalLines: critical,
    }),
    overlayChart([{ kind: 'line', points: along(sweep.curvatureBeta.map(Math.abs)), color: '#9467bd' }], {
      title: '|d²E/dβ²|',
      xLabel: 'β',
      yLabel: '|d²E/dβ²|',
      logX: true,
      logY: true,
      verticalLines: critical,
    }),
  ];
  const settings = Object.entries(input.settings)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(String(value))}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}figure{display:inline-block;margin:4px}table{border-collapse:collapse;margin:8px 0}th,td{text-align:left;padding:2px 12px 2px 0;font-size:13px}p{max-width:60em;font-size:13px}</style>
</head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Reconstruction fixed points of a high-capacity β-VAE with a tile-indicator latent basis (Figures 2 and 7, Section 3.2 and
Appendices A and B of "Taming VAEs"). The seed's formulas were lost: this is the documented reconstruction of
fixed-points.md (deterministic-annealing clustering, the pre-image fixed point of kernel PCA with a normalised Gaussian
kernel). Grey: trajectories of the decoder means of an 8 × 8 subset of tiles from their initial positions; red: distinct
fixed points (tiles carrying posterior mass, merged within the tolerance); blue: data. Dashed lines: the critical betas,
the highest local maxima of |d²E/d(log β)²|.</p>
<table>${settings}<tr><th>critical betas</th><td>${sweep.criticalBetas.map(formatBeta).join(', ') || 'none'}</td></tr></table>
<section>${scatter.map((svg) => `<figure>${svg}</figure>`).join('')}</section>
<section>${charts.map((svg) => `<figure>${svg}</figure>`).join('')}</section>
</body></html>
`;
}
