import { TameError } from '@tame/core';
import { benchCommand } from './commands/bench-command.js';
import { classifierCommand } from './commands/classifier-command.js';
import { dataCommand } from './commands/data-command.js';
import { evalCommand } from './commands/eval-command.js';
import { fixedPointsCommand } from './commands/fixed-points-command.js';
import { sweepCommand } from './commands/sweep-command.js';
import { reportCommand } from './commands/report-command.js';
import { reproduceCommand } from './commands/reproduce-command.js';
import { sampleCommand } from './commands/sample-command.js';
import { trainCommand } from './commands/train-command.js';
import { workerCommand } from './commands/worker-command.js';
import { usage } from './usage.js';
import { UsageError } from './usage-error.js';

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  train: trainCommand,
  eval: evalCommand,
  sample: sampleCommand,
  report: reportCommand,
  data: dataCommand,
  classifier: classifierCommand,
  'fixed-points': fixedPointsCommand,
  sweep: sweepCommand,
  reproduce: reproduceCommand,
  bench: benchCommand,
  worker: workerCommand,
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  const command = commands[name];
  if (command === undefined) throw new UsageError(`tame: unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')}; tame --help explains them)`);
  await command(rest);
}

// `npm run tame` / `npm start` run in apps/lab; npm records where the user typed the command in INIT_CWD, and
// relative paths (--out, --run, --config) mean that directory.
if (process.env.INIT_CWD !== undefined && process.env.INIT_CWD !== process.cwd()) process.chdir(process.env.INIT_CWD);

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (TameError.isInstance(error)) {
    process.stderr.write(`tame: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
