import { bilboBagginsReproduction } from './bilbo-baggins.js';
import { conditionalConvDrawReproduction } from './conditional-convdraw.js';
import { figure3GecoTrajectoryReproduction } from './figure-3-geco-trajectory.js';
import { figure8MicroMnistReproduction } from './figure-8-micro-mnist.js';
import { figures27FixedPointsReproduction } from './figures-2-7-fixed-points.js';
import { gecoControllersReproduction } from './geco-controllers.js';
import { informationPlaneReproduction } from './information-plane.js';
import type { Reproduction } from './reproduction.js';
import { table2MarginalKlReproduction } from './table-2-marginal-kl.js';

/** Every experiment of issue 7, in EXPERIMENTS.md's order; `tame reproduce <id>` runs one. */
export const reproductions: readonly Reproduction[] = [
  figure3GecoTrajectoryReproduction,
  informationPlaneReproduction('mnist'),
  informationPlaneReproduction('fashion-mnist'),
  gecoControllersReproduction,
  table2MarginalKlReproduction,
  figure8MicroMnistReproduction,
  bilboBagginsReproduction,
  conditionalConvDrawReproduction,
  figures27FixedPointsReproduction,
];

export function findReproduction(id: string): Reproduction | undefined {
  return reproductions.find((reproduction) => reproduction.id === id);
}

export type { Reproduction, ReproductionContext, ReproductionResult, ReproductionScale } from './reproduction.js';
