// A user's training script in plain JavaScript, run by Node from the installed tarballs (type-checked too, checkJs):
// the reference conv VAE of @tame/conv-vae, 20 steps under GECO with the third-party MAE constraint, on embedded
// MNIST digits, on the wasm backend. Prints loss and lambda per step; exits 1 unless every step ran and stayed finite.
import { setBackend } from '@tame/backend';
import { createConvVaeModel } from '@tame/conv-vae';
import { createGecoObjective, recommendedGecoOptions, train } from '@tame/core';
import { loadEmbeddedMnist } from '@tame/datasets/node';
import { createMeanAbsoluteErrorConstraint } from '@tame-example/constraint-mae';

const steps = 20;
const backend = await setBackend('wasm');
const dataset = loadEmbeddedMnist({ testCount: 100 });
const model = createConvVaeModel({ seed: 0 });
const mae = createMeanAbsoluteErrorConstraint({ kappa: 0.1 });
const objective = createGecoObjective({ ...recommendedGecoOptions, constraints: [mae] });
console.log(`${model.id} on ${backend}, ${dataset.info.count.train} digits, GECO with ${mae.id}: ${mae.units} <= ${mae.kappa}`);

/** @type {Record<string, number>[]} */
const history = [];
const result = await train({
  model,
  objective,
  dataset,
  steps,
  batchSize: 32,
  seed: 0,
  callbacks: [
    {
      onStepEnd({ step, metrics }) {
        history.push({ ...metrics });
        const error = mae.toUnits?.(metrics['mae.movingAverage'] ?? Number.NaN) ?? Number.NaN;
        console.log(
          `step ${String(step).padStart(2)}  loss ${metrics['loss']?.toFixed(2)}  kl ${metrics['kl']?.toFixed(2)}  ` +
            `mae ${error.toFixed(4)}  lambda ${metrics['mae.multiplier']?.toFixed(4)}`,
        );
      },
    },
  ],
});
model.dispose();
dataset.dispose();

const reported = ['loss', 'kl', 'mae.movingAverage', 'mae.multiplier'];
const broken = history.flatMap((metrics, index) => reported.filter((name) => !Number.isFinite(metrics[name])).map((name) => `step ${index + 1} ${name}`));
if (result.step !== steps || history.length !== steps || broken.length > 0) {
  console.error(`training failed: ${result.step} of ${steps} steps (${result.reason}); missing or non-finite: ${broken.join(', ') || 'none'}`);
  process.exit(1);
}
console.log(`trained ${steps} steps: lambda ${history[0]?.['mae.multiplier']} -> ${history.at(-1)?.['mae.multiplier']}`);
