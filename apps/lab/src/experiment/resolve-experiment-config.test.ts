import { describe, expect, it } from 'vitest';
import { parseControllerFlag, resolveExperimentConfig } from './resolve-experiment-config.js';

describe('--controller', () => {
  it('parses kind[:key=value,...] into the GECO objective, numbers as numbers', async () => {
    expect(parseControllerFlag('pi:integralGain=0.002,proportionalGain=3')).toEqual({ kind: 'pi', integralGain: 0.002, proportionalGain: 3 });
    const config = await resolveExperimentConfig({ controller: 'asymmetric:maxLogStep=0.01' });
    expect(config.objective).toEqual({ kind: 'geco', controller: { kind: 'asymmetric', gain: 0.08, maxLogStep: 0.01, descentSpeedup: 10 } });
  });

  it('says what is wrong: a non-GECO objective, an unknown kind, a misspelt gain', async () => {
    await expect(resolveExperimentConfig({ objective: 'elbo', controller: 'pi' })).rejects.toThrow(/--controller applies to the geco objective, not 'elbo'/);
    await expect(resolveExperimentConfig({ controller: 'pd' })).rejects.toThrow(/invalid experiment: objective\.controller\.kind/);
    await expect(resolveExperimentConfig({ controller: 'pi:integralGian=1' })).rejects.toThrow(/objective\.controller.*integralGian/);
    await expect(resolveExperimentConfig({ controller: 'pi:integralGain' })).rejects.toThrow(/'integralGain' is not key=value/);
  });
});
