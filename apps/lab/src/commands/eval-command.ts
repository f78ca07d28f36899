import { isNonNegativeInteger, numberFlag, parseFlags } from '../parse-flags.js';
import { describeConstraint } from '../run/constraint-status.js';
import { evaluateOpenedRun, openRun } from '../run/open-run.js';
import { startBackend } from '../start-backend.js';
import { UsageError } from '../usage-error.js';

export const evalFlags = { run: { type: 'string' }, json: { type: 'boolean' }, seed: { type: 'string' }, backend: { type: 'string' } } as const;

/** `tame eval --run DIR [--json]`: the test-set evaluation of a run's newest checkpoint. */
export async function evalCommand(argv: string[]): Promise<void> {
  const flags = parseFlags('eval', argv, evalFlags);
  if (flags.run === undefined) throw new UsageError('tame eval: --run <run directory> is required');
  const seed = numberFlag('eval', 'seed', flags.seed, 0, isNonNegativeInteger, 'an integer >= 0');
  await startBackend('eval', flags.backend);
  const run = await openRun('eval', flags.run);
  try {
    const result = await evaluateOpenedRun(run, { seed });
    if (flags.json === true) {
      const { reconstructionMse, kl, marginalKl, nllPerPixel, sigmaStar, elbo, constraints } = result;
      // After the older keys: each constraint's test-set mean C against κ (constraint-status.ts).
      const constraintStatus = Object.fromEntries(
        Object.entries(result.constraintChecks).map(([name, check]) => [name, { kappa: check.kappa, units: check.units, status: check.status, value: check.value, violation: check.violation, tolerance: check.tolerance, constraintValue: check.constraintValue }]),
      );
      process.stdout.write(
        `${JSON.stringify({ reconstructionMse, kl, marginalKl: marginalKl?.value ?? null, marginalKlStandardError: marginalKl?.standardError ?? null, nllPerPixel, sigmaStar, elbo, constraints, examples: result.examples, step: run.step, constraintStatus })}\n`,
      );
    } else {
      const lines = [
        `${flags.run} at step ${run.step}, ${result.examples} test examples:`,
        `  reconstruction MSE ${result.reconstructionMse.toPrecision(4)} (RMSE ${Math.sqrt(result.reconstructionMse).toPrecision(4)})`,
        `  KL ${result.kl.toFixed(2)} nats; marginal KL ${result.marginalKl === null ? 'n/a (the model does not expose its posterior)' : `${result.marginalKl.value.toFixed(2)} ± ${result.marginalKl.standardError.toFixed(2)} nats`}`,
        `  NLL ${result.nllPerPixel.toFixed(4)} nats/pixel at sigma* ${result.sigmaStar.toPrecision(4)} (Appendix D); ELBO ${result.elbo.toFixed(2)} nats`,
        ...Object.values(result.constraintChecks).map((check) => `  ${describeConstraint(check, { figure: 'C' })}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    run.dispose();
  }
}
