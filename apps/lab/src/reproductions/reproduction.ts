import type { RunExecutor } from '../run/run-executor.js';

/**
 * A reproduction is one experiment of the two papers (issue 7), run by one command:
 * `tame reproduce <id> [--smoke | --medium | --faithful]`. It trains what it needs into its output directory, writes
 * its figures there and returns the numbers that EXPERIMENTS.md quotes beside the paper's claim.
 */

/**
 * How big a run is:
 * - 'smoke': a few steps, so CI proves the whole pipeline (training, evaluation, figures) still runs;
 * - 'small': the documented configuration that fits 2 CPU cores in at most 15 minutes (the default);
 * - 'medium': at most 60 minutes per experiment on 2 CPU cores, long enough for the small models to plateau;
 * - 'faithful': the paper's configuration (model sizes, learning rates, steps), for bigger machines.
 */
export const reproductionScales = ['smoke', 'small', 'medium', 'faithful'] as const;
export type ReproductionScale = (typeof reproductionScales)[number];

export interface ReproductionContext {
  /** Directory the reproduction owns: run directories, figures and result.json go here. */
  readonly outDirectory: string;
  readonly scale: ReproductionScale;
  /** Reuse runs in outDirectory that already finished training with the same config (an interrupted reproduction). */
  readonly resume?: boolean;
  /** tfjs backend name passed on to training ('auto' when not set). */
  readonly backend?: string;
  /** Where runs train (`tame reproduce --queue`: a queue's workers); only reproductions with `runsOnQueue` get one. */
  readonly executor?: RunExecutor;
  /** Progress for the user (one line per call); silent under --json. */
  log(text: string): void;
}

/** A scalar cell of a result table. */
export type ResultCell = string | number | boolean | null;

export interface ReproductionResult {
  /** The rows EXPERIMENTS.md prints (same keys in every row). */
  readonly table: ReadonlyArray<Readonly<Record<string, ResultCell>>>;
  /** Files written under outDirectory (relative paths): figures (.svg, .html, .png). */
  readonly figures: readonly string[];
  /** Our finding beside the paper's, in a sentence each; `holds` is null where no single yes/no applies. */
  readonly claim: { readonly paper: string; readonly ours: string; readonly holds: boolean | null };
}

export interface Reproduction {
  /** Kebab-case id used on the command line, e.g. 'table-2'. */
  readonly id: string;
  /** What it reproduces, e.g. 'Table 2: marginal KL of VAE+NVP, ELBO vs GECO on Color-MNIST'. */
  readonly title: string;
  /** One line per scale: what it trains, for `tame reproduce list` and the docs. */
  readonly configurations: Readonly<Record<ReproductionScale, string>>;
  /** Every run it trains goes through `context.executor` (trainAndOpenRun), so `--queue` can hand them to workers. */
  readonly runsOnQueue?: boolean;
  run(context: ReproductionContext): Promise<ReproductionResult>;
}

/** Picks the value for the context's scale: `byScale(context, { smoke: 4, small: 2500, medium: 12_500, faithful: 100_000 })`. */
export function byScale<VALUE>(context: Pick<ReproductionContext, 'scale'>, values: Readonly<Record<ReproductionScale, VALUE>>): VALUE {
  return values[context.scale];
}

/** A table number rounded to `digits` decimals (null stays null), so result.json and result.md read cleanly. */
export function round<VALUE extends number | null>(value: VALUE, digits: number): VALUE {
  return (value === null ? null : Number(value.toFixed(digits))) as VALUE;
}
