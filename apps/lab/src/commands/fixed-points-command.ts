import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getBackendName, setBackend } from '@tame/backend';
import { writeFileAtomically } from '@tame/core/node';
import { figurePanels, renderFixedPointFigure } from '../analysis/fixed-points-figure.js';
import { type SweepOptions, sweepFixedPoints } from '../analysis/fixed-points.js';
import { defaultGamma, type LipschitzKind, lipschitzKinds } from '../analysis/lipschitz-projection.js';
import { logSpacedBetas } from '../analysis/phase-transitions.js';
import { createTileGrid } from '../analysis/tile-grid.js';
import { isToyDataName, loadToyPoints, type ToyDataName, toyDataNames } from '../analysis/toy-points.js';
import { isNonNegativeInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { UsageError } from '../usage-error.js';

export const fixedPointsFlags = {
  data: { type: 'string' },
  lipschitz: { type: 'string' },
  gamma: { type: 'string' },
  betas: { type: 'string' },
  tiles: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Beta range of the sweep (fixed-points.md: 60 log-spaced betas in [1e-3, 3], sigma^2 = 1). */
const betaRange = [1e-3, 3] as const;

/**
 * `tame fixed-points --data two-blobs|lines|circles [--lipschitz none|local|global] [--gamma X] [--betas 60]
 * [--tiles 32] [--seed 0] [--out DIR] [--json]`: the reconstruction fixed-point analysis of Figures 2 and 7 (a
 * documented reconstruction, fixed-points.md). Sweeps beta, prints E(beta), the fixed-point counts and the critical
 * betas, and writes fixed-points.html (the figure) and fixed-points.json (the whole sweep) into --out.
 */
export async function fixedPointsCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('fixed-points', argv, fixedPointsFlags);
  if (flags.data === undefined) throw new UsageError(`tame fixed-points: --data <${toyDataNames.join('|')}> is required`);
  if (!isToyDataName(flags.data)) throw new UsageError(`tame fixed-points: --data must be one of ${toyDataNames.join(', ')}, got '${flags.data}'`);
  const lipschitz = (flags.lipschitz ?? 'none') as LipschitzKind;
  if (!lipschitzKinds.includes(lipschitz)) throw new UsageError(`tame fixed-points: --lipschitz must be one of ${lipschitzKinds.join(', ')}, got '${flags.lipschitz}'`);
  if (flags.gamma !== undefined && lipschitz === 'none') throw new UsageError('tame fixed-points: --gamma needs --lipschitz local or global');
  const betaCount = numberFlag('fixed-points', 'betas', flags.betas, 60, (value) => Number.isInteger(value) && value >= 3 && value <= 1000, 'an integer in [3, 1000]');
  const tileSide = numberFlag('fixed-points', 'tiles', flags.tiles, 32, (value) => Number.isInteger(value) && value >= 2 && value <= 64, 'an integer in [2, 64] (tiles per side)');
  const seed = numberFlag('fixed-points', 'seed', flags.seed, 0, (value) => isNonNegativeInteger(value) && value <= 0xffffffff, 'an integer in [0, 2^32)');
  const gamma = numberFlag('fixed-points', 'gamma', flags.gamma, defaultGamma(lipschitz, createTileGrid(tileSide)), (value) => value >= 0, 'a number >= 0');
  const out = resolve(flags.out ?? `fixed-points-${flags.data}${lipschitz === 'none' ? '' : `-${lipschitz}`}`);

  const { record, sweep } = await writeFixedPointAnalysis({ data: flags.data, lipschitz, gamma, betaCount, tileSide, seed, out });
  const seconds = record.seconds;
  if (flags.json === true) {
    const { betas, reconstructionError, fixedPoints, criticalBetas } = sweep;
    process.stdout.write(`${JSON.stringify({ betas, reconstructionError, fixedPoints, criticalBetas, out })}\n`);
    return;
  }
  const format = (beta: number) => beta.toPrecision(3);
  process.stdout.write(
    `${flags.data}: ${betaCount} betas in ${seconds.toFixed(1)} s; fixed points ${sweep.fixedPoints[0]} -> ${sweep.fixedPoints.at(-1)}; ` +
      `critical betas ${sweep.criticalBetas.map(format).join(', ') || 'none'}\nwrote ${join(out, 'fixed-points.html')} and fixed-points.json\n`,
  );
}

export interface FixedPointAnalysisOptions {
  readonly data: ToyDataName;
  readonly lipschitz: LipschitzKind;
  readonly gamma: number;
  readonly betaCount: number;
  readonly tileSide: number;
  readonly seed: number;
  /** Directory for fixed-points.html (the figure) and fixed-points.json (the whole sweep). */
  readonly out: string;
}

/** Sweeps beta over one toy dataset and writes the figure and the JSON record into `out`; returns both. */
export async function writeFixedPointAnalysis(options: FixedPointAnalysisOptions) {
  const { data: dataName, lipschitz, gamma, betaCount, tileSide, seed, out } = options;
  // The toys are @tame/datasets datasets, read through TensorFlow.js once; the analysis itself is plain float64.
  if (getBackendName() === undefined) await setBackend('cpu');
  const data = await loadToyPoints(dataName, seed);
  const sweepOptions: Omit<SweepOptions, 'betas'> = { tileSide, seed, lipschitz: { kind: lipschitz, gamma } };
  const started = performance.now();
  const sweep = sweepFixedPoints(data, { ...sweepOptions, betas: logSpacedBetas(betaCount, ...betaRange) });
  const seconds = (performance.now() - started) / 1000;
  const panels = figurePanels(data, sweepOptions, sweep);
  const settings = {
    data: `${dataName} (@tame/datasets, seed ${seed}), ${data.points.length / data.dimension} points`,
    tiles: `${tileSide} × ${tileSide} (K = ${tileSide * tileSide}), uniform prior`,
    'decoder variance σ²': 1,
    betas: `${betaCount} log-spaced in [${betaRange[0]}, ${betaRange[1]}]`,
    iteration: 'η = 0.5, at most 400 steps or ‖Δm‖ < 1e-3',
    'fixed points': 'tiles with Σᵢ W ≥ 0.01, merged within 0.05',
    lipschitz: lipschitz === 'none' ? 'none' : `${lipschitz}, γ = ${gamma}`,
    'sweep time': `${seconds.toFixed(1)} s`,
  };
  await mkdir(out, { recursive: true });
  const html = renderFixedPointFigure({ title: `Reconstruction fixed points: ${dataName}${lipschitz === 'none' ? '' : `, ${lipschitz} Lipschitz`}`, settings, data, sweep, panels });
  await writeFileAtomically(join(out, 'fixed-points.html'), new TextEncoder().encode(html));
  const record = {
    data: dataName,
    seed,
    tileSide,
    lipschitz: { kind: lipschitz, gamma },
    betas: sweep.betas,
    reconstructionError: sweep.reconstructionError,
    fixedPoints: sweep.fixedPoints,
    criticalBetas: sweep.criticalBetas,
    curvatureLogBeta: sweep.curvatureLogBeta.map((value) => (Number.isFinite(value) ? value : null)),
    curvatureBeta: sweep.curvatureBeta.map((value) => (Number.isFinite(value) ? value : null)),
    iterations: sweep.iterations,
    converged: sweep.converged,
    distinct: sweep.distinct.map((points) => points.map((point) => ({ centre: Array.from(point.centre), mass: point.mass, tiles: point.tiles }))),
    seconds,
  };
  await writeFileAtomically(join(out, 'fixed-points.json'), new TextEncoder().encode(`${JSON.stringify(record)}\n`));
  return { record, sweep };
}
