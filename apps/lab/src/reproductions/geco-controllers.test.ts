import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gecoControllersReproduction } from './geco-controllers.js';

describe('reproduce geco-controllers', () => {
  it('at smoke scale trains the ELBO, sets kappa to its training RMSE and trains GECO with each controller at it', async () => {
    const outDirectory = join(await mkdtemp(join(tmpdir(), 'tame-controllers-')), 'geco-controllers');
    const lines: string[] = [];
    const result = await gecoControllersReproduction.run({ outDirectory, scale: 'smoke', log: (text) => lines.push(text) });
    const plant = result.table.filter((row) => row.dataset === 'plant (simulated)');
    expect(plant.map((row) => row.run)).toEqual(['algorithm-1', 'asymmetric', 'pi', 'pi-kp2', 'pid']);
    // On the plant pi peaks orders of magnitude below the asymmetric rule (controller-test-plant.test.ts has the rest).
    expect((plant[2]!.peakLambda as number) * 100).toBeLessThan(plant[1]!.peakLambda as number);
    const trained = result.table.filter((row) => row.dataset === 'mnist');
    expect(trained.map((row) => row.run)).toEqual(['elbo', 'asymmetric', 'pi', 'pi-kp2', 'pid']);
    const [elbo, ...geco] = trained;
    for (const row of geco) {
      // kappa is the ELBO's training RMSE (4 significant digits), the same for every controller.
      expect(row.kappa).toBe(geco[0]!.kappa);
      expect(typeof row.peakLambda).toBe('number');
      expect(row.klVsElbo).toBeCloseTo((row.testKl as number) / (elbo!.testKl as number) - 1, 2);
    }
    const saved = JSON.parse(await readFile(join(outDirectory, 'mnist-seed-0', 'pi', 'config.json'), 'utf8'));
    expect(saved.objective.controller.kind).toBe('pi');
    expect(saved.constraints[0].kappa).toBe(geco[0]!.kappa);
    expect(await readFile(join(outDirectory, 'controllers.html'), 'utf8')).toContain('<svg');
    expect(result.claim.holds).toBeNull();
  }, 300_000);
});
