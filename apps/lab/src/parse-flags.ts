import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line usage errors. */
export function parseFlags<OPTIONS extends Options>(command: string, argv: string[], options: OPTIONS) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const known = Object.keys(options).map((name) => `--${name}`).join(', ');
    throw new UsageError(`tame ${command}: ${(error as Error).message.split('\n')[0]} (known flags: ${known})`);
  }
}

export function numberFlag(command: string, name: string, value: string | undefined, fallback: number, check: (value: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || !check(parsed)) {
    throw new UsageError(`tame ${command}: --${name} must be ${expected}, got '${value}'`);
  }
  return parsed;
}

export const isPositiveInteger = (value: number) => Number.isInteger(value) && value > 0;
export const isNonNegativeInteger = (value: number) => Number.isInteger(value) && value >= 0;
export const isPositive = (value: number) => value > 0;
