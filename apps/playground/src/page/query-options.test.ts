import { describe, expect, it } from 'vitest';
import { defaultPlaygroundOptions, parsePlaygroundOptions } from './query-options.js';

describe('URL options', () => {
  it('defaults to a small model at kappa 0.16 under pi, not started', () => {
    expect(parsePlaygroundOptions('')).toEqual(defaultPlaygroundOptions);
    expect(defaultPlaygroundOptions).toMatchObject({ autostart: false, model: 'small', kappa: 0.16, controller: 'pi', backend: 'auto' });
  });

  it('reads autostart, steps and the rest', () => {
    expect(parsePlaygroundOptions('?autostart=1&steps=30&backend=wasm&model=tiny&kappa=0.2&controller=algorithm-1&batch=16&seed=3')).toEqual({
      autostart: true,
      steps: 30,
      backend: 'wasm',
      model: 'tiny',
      kappa: 0.2,
      controller: 'algorithm-1',
      batchSize: 16,
      seed: 3,
    });
  });

  it('names the parameter and what it accepts', () => {
    expect(() => parsePlaygroundOptions('?steps=0')).toThrow('URL parameter steps=0: expected an integer >= 1');
    expect(() => parsePlaygroundOptions('?steps=2.5')).toThrow(/steps=2.5/);
    expect(() => parsePlaygroundOptions('?backend=metal')).toThrow('URL parameter backend=metal: expected one of auto, webgl, webgpu, wasm, cpu');
    expect(() => parsePlaygroundOptions('?controller=p')).toThrow(/controller=p: expected one of algorithm-1, asymmetric, pi, pid, softplus-squared/);
    expect(() => parsePlaygroundOptions('?kappa=1')).toThrow(/kappa=1: expected a per-pixel RMSE from 0.05 to 0.3/);
    expect(() => parsePlaygroundOptions('?autostrat=1')).toThrow(/unknown URL parameter 'autostrat'/);
  });
});
