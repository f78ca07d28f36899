import { TameError } from '@tame/core';
import { benchCommand } from './commands/bench-command.js';
import { trainCommand } from './commands/train-command.js';
import { UsageError } from './usage-error.js';

const usage = `usage: tame <command> [flags]

commands:
  train   train the reference conv VAE under a GECO RE constraint on the embedded MNIST
          --steps N  --batch N  --kappa RMSE  --lr X  --seed N  --backend auto|node-gpu|node|wasm|cpu
          --out DIR  --resume DIR  --force  --json
  bench   time one training step of the reference conv VAE on each available backend
          --json  --backends wasm,cpu  --batch N  --steps N  --slow-steps N
`;

const commands: Record<string, (argv: string[]) => Promise<void>> = { train: trainCommand, bench: benchCommand };

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return;
  }
  const command = commands[name];
  if (command === undefined) throw new UsageError(`tame: unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')})`);
  await command(rest);
}

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
