import { describeDatasetIds } from '@tame/datasets/node';
import { reproductions } from './reproductions/index.js';
import { constraintCatalog, describeCatalog, likelihoodCatalog, modelCatalog } from './experiment/plugin-catalog.js';

/** `tame --help`: commands, flags and the catalog of plugins a user can name. */
export function usage(): string {
  return `usage: tame <command> [flags]

commands:
  train     train a VAE (default: conv-vae, GECO with RE <= 0.1 per-pixel RMSE, embedded MNIST)
            --config experiment.json  --model ID  --dataset ID  --likelihood ID
            --objective geco|elbo|bilbo|beta:<value>|beta-anneal:<from>[:<to>]  --constraint id:kappa[:key=value,...] (repeatable)
            --controller pi|asymmetric|pid|algorithm-1|softplus-squared[:key=value,...]  (GECO's multiplier; default pi)
            --steps N  --batch N  --lr X  --seed N  --backend auto|node-gpu|node|wasm|cpu
            --threads N  (wasm threads for conv and matMul; default: every core; results do not depend on it)
            --out DIR  --resume DIR [--steps N]  --force  --json
  eval      --run DIR [--json] [--backend ID]   test-set MSE, KL, marginal KL, NLL/pixel at sigma* (Appendix D), ELBO, constraints
  sample    --run DIR [--n 64] [--out samples.png] [--seed N] [--reconstructions] [--backend ID]
  report    --run DIR [--screenshot report.png] [--backend ID]   rewrite report.html; screenshot it in headless Chromium
  data      inspect <dataset id> [--json] [--max N] [--backend ID]   counts, shape, value range, labels
  classifier train --out FILE [--steps 3000] | eval [--weights FILE]  [--backend ID]   the MNIST classifier of the cla/fre-mnist constraints
  sweep     [--kappas 0.08,0.1,0.15] [--controller KIND[:key=value,...]] [--model ID] [--dataset ID] [--steps N] [--elbo-sigma 0.1] [--anneal-from 10]
            [--parallel N] [--threads N] [--no-match-elbo] [--force | --resume] [--queue redis://[:password@]HOST:PORT[/DB] [--store DIR]]
            [--out DIR] [--json]   ELBO + annealed beta + GECO-RE per kappa + GECO-RE at the ELBO's training RMSE,
            N runs at a time (default: one per core; --threads each, default cores / N): sweep.json, information-plane.html (Figures 4 and 5);
            --queue: every run is a job for tame worker processes (any machine), --out inside the shared --store
            (default: the working directory); --resume re-attaches to the sweep's jobs and keeps finished runs
  worker    --queue redis://[:password@]HOST:PORT[/DB] --store DIR [--concurrency N] [--threads T]
            [--lock-duration MS] [--stalled-interval MS]   train the runs of queued sweeps/reproductions into the
            shared run store, N at a time (one process each, T wasm threads each; default T: cores / N). A worker that dies loses its job after --lock-duration (default 30000; env
            TAME_QUEUE_LOCK_DURATION_MS); workers look for such jobs every --stalled-interval (default 30000; env
            TAME_QUEUE_STALLED_INTERVAL_MS) and resume them from their last checkpoint. SIGINT/SIGTERM: the runs in
            progress checkpoint and go back to the queue, exit 0
  fixed-points --data two-blobs|lines|circles [--lipschitz none|local|global] [--gamma X] [--betas 60]
            [--tiles 32] [--seed 0] [--out DIR] [--json]   beta sweep of the reconstruction fixed points
            (Figures 2 and 7, documented reconstruction): E(beta), fixed-point counts, critical betas, figure
  reproduce list | <id> | all [--smoke | --medium | --faithful] [--out DIR] [--force | --resume] [--threads N] [--json]   the papers' experiments
            (EXPERIMENTS.md): ${reproductions.map((reproduction) => reproduction.id).join(', ')};
            each writes its runs, figures, result.json and result.md
            [--queue redis://HOST:PORT [--store DIR]]: runs train on tame workers (${reproductions.filter((reproduction) => reproduction.runsOnQueue === true).map((reproduction) => reproduction.id).join(', ')})
  bench     time a training step of each model (conv-vae, bilbo-vae, vae-nvp, convdraw) on each backend that starts,
            each in its own process, then the PyTorch peer of the conv-vae step (python3 with torch, if present)
            --json  --backends node-gpu,node,wasm (cpu on request)  --models LIST  --threads 1,<cores> (wasm)
            --batch 64  --steps 20  --slow-steps 3 (cpu)  --no-peer

${describeCatalog('models (--model)', modelCatalog)}
${describeCatalog('constraints (--constraint id:kappa)', constraintCatalog)}
${describeCatalog('likelihoods (--likelihood)', likelihoodCatalog)}
${describeDatasetIds()}
`;
}
