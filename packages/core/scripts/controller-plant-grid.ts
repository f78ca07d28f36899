// Peak lambda / lambda* of each controller on the controller test plant, one plant parameter changed at a time
// (EXPERIMENTS.md, section 2b). Run: npx tsx packages/core/scripts/controller-plant-grid.ts
import { controllerFor, measureControllerTrajectory, multiplierControllerConfigSchema, simulateController, type ControllerPlantOptions } from '../src/index.js';

const plants: ReadonlyArray<readonly [string, Partial<ControllerPlantOptions>]> = [
  ['default', {}],
  ['lambda* 50', { equilibriumMultiplier: 50 }],
  ['lambda* 4', { equilibriumMultiplier: 4 }],
  ['k 0.25', { sensitivity: 0.25 }],
  ['k 1', { sensitivity: 1 }],
  ['response 3x slower', { responseRate: 0.003, steps: 12_000 }],
  ['response 3x faster', { responseRate: 0.03 }],
  ['noise 4x', { noise: 0.2 }],
  ['kappa reachable after 1,000', { reachableAfter: 1000 }],
  ['kappa reachable after 5,000', { reachableAfter: 5000, steps: 12_000 }],
];
const controllers = process.argv.length > 2 ? process.argv.slice(2).map((text) => JSON.parse(text) as unknown) : [{ kind: 'asymmetric' }, { kind: 'pi' }, { kind: 'pid' }];

console.log(`| controller | ${plants.map(([name]) => name).join(' | ')} |`);
console.log(`|---|${plants.map(() => '---').join('|')}|`);
for (const config of controllers) {
  const options = multiplierControllerConfigSchema.parse(config);
  const cells = plants.map(([, plant]) => {
    const measured = measureControllerTrajectory(simulateController(controllerFor(options), options, plant), { equilibriumMultiplier: plant.equilibriumMultiplier ?? 15 });
    return Number(measured.peakOverEquilibrium.toPrecision(3));
  });
  console.log(`| ${JSON.stringify(config)} | ${cells.join(' | ')} |`);
}
