import { type ConstraintV1, createElboObjective, TameError, createGecoObjective, recommendedGecoOptions, type DatasetV1, type LikelihoodV1, type ModelV1, type TrainingObjective } from '@tame/core';
import { type BilboVaeModel, createBilboObjective } from '@tame/bilbo-vae';
import { UsageError } from '../usage-error.js';
import { createAnnealedBetaObjective } from './annealed-beta-objective.js';
import type { ExperimentConfig } from './experiment-config.js';
import { constraintCatalog, createFromCatalog, likelihoodCatalog, modelCatalog } from './plugin-catalog.js';

/** Everything a run needs, created from a resolved experiment config. */
export interface Experiment {
  readonly model: ModelV1;
  readonly likelihood: LikelihoodV1;
  readonly constraints: readonly ConstraintV1[];
  readonly objective: TrainingObjective;
  /** Frees the model, likelihood and constraints (some constraints hold a classifier). */
  dispose(): void;
}

/** tame's GECO defaults: @tame/core's recommended options (measured in EXPERIMENTS.md). Experiment files override each. */
export function gecoDefaults() {
  return { ...recommendedGecoOptions };
}

export function buildExperiment(config: ExperimentConfig, dataset: DatasetV1): Experiment {
  const context = { data: dataset.info };
  const created: Array<{ dispose(): void }> = [];
  try {
    const model = createFromCatalog('model', modelCatalog, config.model.id, config.model.config, context);
    created.push(model);
    const likelihood = createFromCatalog('likelihood', likelihoodCatalog, config.likelihood.id, config.likelihood.config, context);
    created.push(likelihood);
    const constraints = config.constraints.map((entry) => {
      const constraint = createFromCatalog('constraint', constraintCatalog, entry.id, { ...entry.config, kappa: entry.kappa, name: entry.name ?? entry.id }, context);
      created.push(constraint);
      return constraint;
    });
    let objective: TrainingObjective;
    switch (config.objective.kind) {
      case 'geco': {
        const { kind: _kind, ...overrides } = config.objective;
        objective = createGecoObjective({ ...gecoDefaults(), ...overrides, constraints });
        break;
      }
      case 'elbo':
        objective = createElboObjective({ likelihood });
        break;
      case 'beta':
        objective = createElboObjective({ likelihood, beta: config.objective.beta });
        break;
      case 'beta-anneal':
        objective = createAnnealedBetaObjective({ likelihood, from: config.objective.from, to: config.objective.to, steps: config.objective.steps ?? config.training.steps });
        break;
      case 'bilbo':
        if (config.model.id !== 'bilbo-vae') throw new UsageError(`tame: the bilbo objective needs --model bilbo-vae, got '${config.model.id}'`);
        try {
          objective = createBilboObjective({ model: model as BilboVaeModel, likelihood });
        } catch (error) {
          if (TameError.isInstance(error)) throw new UsageError(`tame: ${error.message}`);
          throw error;
        }
        break;
    }
    return { model, likelihood, constraints, objective, dispose: () => created.forEach((instance) => instance.dispose()) };
  } catch (error) {
    for (const instance of created) instance.dispose();
    throw error;
  }
}
