import { readFile } from 'node:fs/promises';
import { UsageError } from '../usage-error.js';
import { describeConfigIssues, type ExperimentConfig, experimentConfigSchema } from './experiment-config.js';

/** The flags of `tame train` that describe the experiment (the rest are about where and how it runs). */
export interface ExperimentFlags {
  readonly config?: string;
  readonly model?: string;
  readonly dataset?: string;
  readonly likelihood?: string;
  readonly objective?: string;
  readonly constraint?: readonly string[];
  readonly controller?: string;
  readonly steps?: string;
  readonly batch?: string;
  readonly lr?: string;
  readonly seed?: string;
}

/**
 * Parses `--constraint id:kappa[:key=value,key=value]`, e.g. `re:0.1`, `pncc:0.6:patchSize=7`,
 * `cla:0.9:name=cla90`. Values that read as numbers or booleans become numbers or booleans.
 */
export function parseConstraintFlag(text: string): { id: string; kappa: number; name?: string; config: Record<string, unknown> } {
  const [id, kappaText, options] = text.split(':', 3) as [string, string | undefined, string | undefined];
  const kappa = Number(kappaText);
  if (id === '' || kappaText === undefined || kappaText.trim() === '' || !Number.isFinite(kappa)) {
    throw new UsageError(`tame train: --constraint must look like id:kappa[:key=value,...] (e.g. re:0.1), got '${text}'`);
  }
  // The name is a label, kept as written even when it reads as a number.
  const { name, ...config } = parseKeyValues('--constraint', text, options ?? '', ['name']) as Record<string, unknown> & { name?: string };
  return { id, kappa, ...(name === undefined ? {} : { name }), config };
}

/** Parses `key=value,key=value`; values that read as numbers or booleans become numbers or booleans, except `keepAsText`. */
function parseKeyValues(flag: string, text: string, pairs: string, keepAsText: readonly string[] = []): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const pair of pairs === '' ? [] : pairs.split(',')) {
    const [key, value] = pair.split('=', 2) as [string, string | undefined];
    if (key === '' || value === undefined) throw new UsageError(`tame train: ${flag} ${text}: '${pair}' is not key=value`);
    result[key] = keepAsText.includes(key) ? value : value === 'true' ? true : value === 'false' ? false : value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return result;
}

/**
 * Parses `--controller kind[:key=value,...]`, e.g. `pi`, `pi:integralGain=0.002,proportionalGain=3`, `algorithm-1`:
 * GECO's multiplier controller (@tame/core validates the kind and gains).
 */
export function parseControllerFlag(text: string): Record<string, unknown> {
  const [kind, gains] = text.split(':', 2) as [string, string | undefined];
  if (kind === '') throw new UsageError(`tame train: --controller must look like kind[:key=value,...] (e.g. pi or asymmetric:maxLogStep=0.01), got '${text}'`);
  return { ...parseKeyValues('--controller', text, gains ?? ''), kind };
}

function parseObjectiveFlag(text: string): Record<string, unknown> {
  if (text === 'geco' || text === 'elbo' || text === 'bilbo') return { kind: text };
  const anneal = /^beta-anneal:([^:]+)(?::([^:]+))?$/.exec(text);
  if (anneal !== null && Number.isFinite(Number(anneal[1])) && (anneal[2] === undefined || Number.isFinite(Number(anneal[2])))) {
    return { kind: 'beta-anneal', from: Number(anneal[1]), ...(anneal[2] === undefined ? {} : { to: Number(anneal[2]) }) };
  }
  const beta = /^beta:(.+)$/.exec(text);
  if (beta !== null && Number.isFinite(Number(beta[1])) && Number(beta[1]) > 0) return { kind: 'beta', beta: Number(beta[1]) };
  throw new UsageError(`tame train: --objective must be geco, elbo, bilbo, beta:<positive number> or beta-anneal:<from>[:<to>], got '${text}'`);
}

function numberFromFlag(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`tame train: --${name} must be a number, got '${text}'`);
  return value;
}

/** Reads and validates an experiment file; every problem is a one-line usage error naming the file and the field. */
export async function readExperimentFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`tame train: cannot read --config ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`tame train: --config ${path} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`tame train: --config ${path} must hold a JSON object (an experiment: model, dataset, objective, constraints, training)`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Experiment file (if any), then flags on top, then schema defaults: the fully resolved experiment. `command` names
 * the command in usage errors (`tame sweep` resolves its base experiment with the flags `tame train` takes).
 */
export async function resolveExperimentConfig(flags: ExperimentFlags, command = 'train'): Promise<ExperimentConfig> {
  try {
    return await resolveFlags(flags);
  } catch (error) {
    if (error instanceof UsageError && command !== 'train') throw new UsageError(error.message.replace(/^tame train:/, `tame ${command}:`));
    throw error;
  }
}

async function resolveFlags(flags: ExperimentFlags): Promise<ExperimentConfig> {
  const base = flags.config === undefined ? {} : await readExperimentFile(flags.config);
  const merged: Record<string, unknown> = { ...base };
  const asObject = (value: unknown) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  if (flags.model !== undefined) merged.model = asObject(merged.model).id === flags.model ? merged.model : { id: flags.model };
  if (flags.likelihood !== undefined) merged.likelihood = asObject(merged.likelihood).id === flags.likelihood ? merged.likelihood : { id: flags.likelihood };
  if (flags.dataset !== undefined) merged.dataset = flags.dataset;
  if (flags.objective !== undefined) merged.objective = parseObjectiveFlag(flags.objective);
  if (flags.controller !== undefined) {
    const objective = asObject(merged.objective ?? { kind: 'geco' });
    if (objective.kind !== 'geco') throw new UsageError(`tame train: --controller applies to the geco objective, not '${String(objective.kind)}'`);
    merged.objective = { ...objective, controller: parseControllerFlag(flags.controller) };
  }
  if (flags.constraint !== undefined && flags.constraint.length > 0) merged.constraints = flags.constraint.map(parseConstraintFlag);
  else if (flags.objective !== undefined && flags.objective !== 'geco' && base.constraints === undefined) merged.constraints = [];
  const training = { ...asObject(merged.training) };
  if (flags.steps !== undefined) training.steps = numberFromFlag('steps', flags.steps);
  if (flags.batch !== undefined) training.batchSize = numberFromFlag('batch', flags.batch);
  if (flags.lr !== undefined) training.learningRate = numberFromFlag('lr', flags.lr);
  if (flags.seed !== undefined) training.seed = numberFromFlag('seed', flags.seed);
  merged.training = training;
  const result = experimentConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new UsageError(`tame train: invalid experiment${flags.config === undefined ? '' : ` in ${flags.config}`}: ${describeConfigIssues(result.error)}`);
  }
  return result.data;
}
