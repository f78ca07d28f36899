import { parsePluginConfig } from '@tame/core';
import { expectInvalidPluginConfig } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { convVaePlugin } from './conv-vae-model.js';
import { convVaePresets } from './conv-vae-presets.js';

const parse = (config: unknown) => parsePluginConfig(convVaePlugin, config);

const expectInvalid = (config: unknown, field: string, fragment: RegExp) => expectInvalidPluginConfig(convVaePlugin, config, field, fragment);

describe('conv VAE config', () => {
  it('defaults to the reference model (latent 16, channels 32 and 64, 28x28x1, seed 0) and is JSON', () => {
    const config = parse({});
    expect(config).toEqual({
      preset: 'reference',
      name: 'reference-conv-vae',
      seed: 0,
      dataShape: [28, 28, 1],
      latentSize: 16,
      channels: [32, 64],
    });
    expect(convVaePresets.reference).toEqual({ latentSize: 16, channels: [32, 64] });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it('reads the configs written before the model was a package, and a resolved config parses to itself', () => {
    // What run directories' config.json hold for `conv-vae`: {} or the three fields the app model had.
    expect(parse({ latentSize: 16, seed: 0, dataShape: [28, 28, 1] })).toEqual(parse({}));
    const config = parse({ latentSize: 4, seed: 3 });
    expect(config).toMatchObject({ preset: 'reference', latentSize: 4, seed: 3, channels: [32, 64] });
    expect(parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it('takes explicit fields over the preset', () => {
    expect(parse({ preset: 'tiny' })).toMatchObject({ latentSize: 4, channels: [8, 16] });
    expect(parse({ preset: 'tiny', latentSize: 2, dataShape: [32, 32, 3] })).toMatchObject({ latentSize: 2, channels: [8, 16], dataShape: [32, 32, 3] });
  });

  it('names the field of every invalid config', () => {
    expectInvalid({ dataShape: [30, 28, 1] }, 'dataShape', /multiples of 4.*got \[30,28,1\]/);
    expectInvalid({ dataShape: [28, 28] }, 'dataShape', /./);
    expectInvalid({ latentSize: 0 }, 'latentSize', /./);
    expectInvalid({ latentSize: 2.5 }, 'latentSize', /./);
    expectInvalid({ channels: [32] }, 'channels', /./);
    expectInvalid({ channels: [32, 0] }, 'channels.1', /./);
    expectInvalid({ seed: -1 }, 'seed', /./);
    expectInvalid({ preset: 'huge' }, 'preset', /./);
    expectInvalid({ name: 'has space' }, 'name', /letters, digits/);
    expectInvalid({ latentDim: 8 }, '(config)', /latentDim/);
  });
});
