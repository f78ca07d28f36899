// Scores trained conditional runs (MNIST-rotate, MNIST-sum) the way `reproduce conditional-convdraw` does: one sample
// per test context, turned upright and read by the shipped MNIST classifier (EXPERIMENTS.md, section 6).
// Run: npx tsx --conditions=@tame/source apps/lab/scripts/score-conditional-runs.ts RUN_DIR [RUN_DIR ...]
import { loadMnistClassifier } from '@tame/constraints/node';
import { evaluateOpenedRun, openRun } from '../src/run/open-run.js';
import { samplesGivenContext, scoreConditionalSamples } from '../src/run/score-conditional-samples.js';
import { startBackend } from '../src/start-backend.js';

const runDirectories = process.argv.slice(2);
if (runDirectories.length === 0) {
  console.error('usage: score-conditional-runs.ts RUN_DIR [RUN_DIR ...]');
  process.exit(2);
}
await startBackend('score-conditional-runs', undefined);
const classifier = loadMnistClassifier();
console.log('| run | dataset | kappa | step | test RMSE | test KL (nats) | sample accuracy | true targets |');
console.log('|---|---|---|---|---|---|---|---|');
for (const runDirectory of runDirectories) {
  const opened = await openRun('score-conditional-runs', runDirectory);
  try {
    const evaluation = await evaluateOpenedRun(opened, {});
    const scores = await scoreConditionalSamples(opened.dataset, classifier, samplesGivenContext(opened.experiment.model), { contexts: 1000, seed: 1 });
    const kappa = opened.config.constraints.map((constraint) => constraint.kappa).join(', ') || '–';
    console.log(
      `| ${runDirectory} | ${opened.config.dataset} | ${kappa} | ${opened.step} | ${Math.sqrt(evaluation.reconstructionMse).toFixed(4)} | ${evaluation.kl.toFixed(2)} | ` +
        `${scores.samples.accuracy.toFixed(3)} | ${scores.targets.accuracy.toFixed(3)} |`,
    );
  } finally {
    opened.dispose();
  }
}
classifier.dispose();
