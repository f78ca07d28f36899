import { experimentConfigSchema } from '../experiment/experiment-config.js';
import { byScale, type Reproduction, round } from './reproduction.js';
import { smokeEvaluationExamples, trainAndEvaluate } from './train-and-evaluate.js';
import { trainingRmse } from '../run/information-plane-sweep.js';


/**
 * Table 2: the marginal KL, KL(q(z) || p(z)) of the aggregate posterior q(z) = mean_x q(z|x), of VAE+NVP trained with
 * the ELBO and with GECO-RE on Color-MNIST. Estimated by `tame eval`'s estimator over the N test examples, with its
 * standard error; log q(z_i | x_j) comes from the flow's closed-form inverse.
 */
export const table2MarginalKlReproduction: Reproduction = {
  id: 'table-2',
  runsOnQueue: true,
  title: 'Table 2: marginal KL of VAE+NVP on Color-MNIST, ELBO vs GECO-RE (paper: 182.5 vs 10.3 nats)',
  configurations: {
    smoke: 'vae-nvp (small preset), color-mnist, 2 steps of 8 per run',
    small: "vae-nvp (small preset, latent 32, 4 couplings), color-mnist, ELBO (Gaussian sigma 0.1), then GECO-RE at the ELBO's training RMSE, 2,000 steps of 64, Adam 1e-3; marginal KL over the 1,000 test examples",
    medium: "vae-nvp (small preset, latent 32, 4 couplings), color-mnist, ELBO (Gaussian sigma 0.1), then GECO-RE at the ELBO's training RMSE, 8,000 steps of 64 per run, one run at a time, Adam 1e-3; marginal KL over the 1,000 test examples",
    faithful: "vae-nvp (faithful preset), color-mnist, ELBO, then GECO-RE at the ELBO's training RMSE, Adam 1e-6 (the paper's rate), 200,000 steps of 64 (GPU only)",
  },
  async run(context) {
    const training = byScale(context, {
      smoke: { steps: 2, batchSize: 8, learningRate: 1e-3 },
      small: { steps: 2000, batchSize: 64, learningRate: 1e-3 },
      // 4x small (634 s): ~42 minutes; at 2,000 steps neither model was below RMSE 0.198, still falling.
      medium: { steps: 8000, batchSize: 64, learningRate: 1e-3 },
      faithful: { steps: 200_000, batchSize: 64, learningRate: 1e-6 },
    });
    const model = { id: 'vae-nvp', config: { preset: context.scale === 'faithful' ? 'faithful' : 'small' } };
    // Figure 5's protocol: kappa is the training RMSE the ELBO reached, so it is reachable in the budget (a fixed 0.15
    // was out of reach of both models at the small budget and GECO wound up against it).
    const elboConfig = experimentConfigSchema.parse({ model, dataset: 'color-mnist', objective: { kind: 'elbo' }, likelihood: { id: 'gaussian', config: { sigma: 0.1 } }, constraints: [], training });
    const elboRun = await trainAndEvaluate(context, 'elbo', elboConfig, (opened) => trainingRmse(opened, context.scale === 'smoke' ? smokeEvaluationExamples : 2000));
    const kappa = Number(elboRun.extra.toPrecision(4));
    const gecoConfig = experimentConfigSchema.parse({ model, dataset: 'color-mnist', objective: { kind: 'geco' }, constraints: [{ id: 're', kappa }], training });
    const trained = [elboRun, await trainAndEvaluate(context, 'geco-re-matched', gecoConfig)];
    const table = trained.map((run) => ({
      run: run.name,
      kappa: run.name === 'elbo' ? null : kappa,
      testRmse: round(Math.sqrt(run.evaluation.reconstructionMse), 4),
      averageKl: round(run.evaluation.kl, 2),
      marginalKl: run.evaluation.marginalKl === null ? null : round(run.evaluation.marginalKl.value, 2),
      marginalKlStandardError: run.evaluation.marginalKl === null ? null : round(run.evaluation.marginalKl.standardError, 2),
      examples: run.evaluation.examples,
      nllPerPixel: round(run.evaluation.nllPerPixel, 4),
    }));
    const [elbo, geco] = trained;
    const elboMarginal = elbo!.evaluation.marginalKl;
    const gecoMarginal = geco!.evaluation.marginalKl;
    const logCount = Math.log(elbo!.evaluation.examples);
    return {
      table,
      figures: ['elbo/report.html', 'geco-re-matched/report.html', 'elbo/samples.png', 'geco-re-matched/samples.png'],
      claim: {
        paper: 'VAE+NVP trained with GECO has a much lower marginal KL than with the ELBO (Color-MNIST: 182.5 vs 10.3 nats) at an acceptable reconstruction error.',
        ours:
          elboMarginal === null || gecoMarginal === null
            ? 'the marginal KL could not be estimated'
            : `marginal KL ${elboMarginal.value.toFixed(1)} ± ${elboMarginal.standardError.toFixed(1)} (ELBO) vs ${gecoMarginal.value.toFixed(1)} ± ${gecoMarginal.standardError.toFixed(1)} (GECO RE <= ${kappa}, the ELBO's training RMSE), ` +
              `at test RMSE ${table[0]!.testRmse} vs ${table[1]!.testRmse}; with N = ${elbo!.evaluation.examples} test examples the estimator cannot go below ` +
              `average KL - log N (log N = ${logCount.toFixed(2)}).`,
        holds:
          context.scale === 'smoke' || elboMarginal === null || gecoMarginal === null
            ? null
            : gecoMarginal.value + 2 * gecoMarginal.standardError < elboMarginal.value - 2 * elboMarginal.standardError,
      },
    };
  },
};
