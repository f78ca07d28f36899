import { InvalidPluginConfigError, parsePluginConfig, TameError } from '@tame/core';
import { describe, expect, it } from 'vitest';
import { vaeNvpConfigSchema } from './vae-nvp-config.js';

const plugin = { id: '@tame/vae-nvp', configSchema: vaeNvpConfigSchema };
const parse = (config: unknown) => parsePluginConfig(plugin, config);
const errorOf = (config: unknown): string => {
  try {
    parse(config);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPluginConfigError);
    expect(TameError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('VAE+NVP config', () => {
  it('defaults to the small preset of models.md §3.7 on 28x28x1 images', () => {
    expect(parse({})).toEqual({
      preset: 'small',
      name: 'vae-nvp',
      seed: 0,
      dataShape: [28, 28, 1],
      latentSize: 16,
      encoderChannels: [32, 64],
      kernelSize: 4,
      contextSize: 256,
      couplingLayers: 4,
      conditionerHiddenSizes: [128, 128],
      scaleBound: 2,
      couplingInitScale: 1e-3,
      decoderChannels: [64, 32],
    });
  });

  it('resolves the faithful preset, with as many decoder upsamplings (<= 3) as the data shape allows', () => {
    const mnist = parse({ preset: 'faithful' });
    expect(mnist).toMatchObject({ latentSize: 32, couplingLayers: 8, contextSize: 512, kernelSize: 5, conditionerHiddenSizes: [512, 512] });
    expect(mnist.decoderChannels).toEqual([128, 64]);
    expect(parse({ preset: 'faithful', dataShape: [32, 32, 3] }).decoderChannels).toEqual([256, 128, 64]);
    expect(parse({ preset: 'faithful', dataShape: [64, 64, 3] }).decoderChannels).toEqual([256, 128, 64]);
  });

  it('lets explicit fields override the preset and is idempotent on its own output', () => {
    const resolved = parse({ preset: 'faithful', latentSize: 8, couplingLayers: 5, dataShape: [28, 28, 3], name: 'colour' });
    expect(resolved).toMatchObject({ latentSize: 8, couplingLayers: 5, contextSize: 512, dataShape: [28, 28, 3], name: 'colour' });
    expect(parse(JSON.parse(JSON.stringify(resolved)))).toEqual(resolved);
  });

  it('rejects invalid fields with an error naming the plugin and the field', () => {
    expect(errorOf({ latentSize: 1 })).toMatch(/^Invalid config for plugin '@tame\/vae-nvp': latentSize: .*>= 2/);
    expect(errorOf({ couplingLayers: 3 })).toMatch(/couplingLayers: .*>= 4/);
    expect(errorOf({ preset: 'huge' })).toMatch(/preset: /);
    expect(errorOf({ dataShape: [28, 28] })).toMatch(/dataShape/);
    expect(errorOf({ encoderChannels: [] })).toMatch(/encoderChannels: /);
    expect(errorOf({ scaleBound: 0 })).toMatch(/scaleBound: /);
    expect(errorOf({ couplingInitScale: -1 })).toMatch(/couplingInitScale: /);
    expect(errorOf({ name: 'has space' })).toMatch(/name: /);
    expect(errorOf({ seed: 1.5 })).toMatch(/seed: /);
    expect(errorOf({ latentSise: 4 })).toMatch(/latentSise/);
  });

  it('rejects a decoder whose upsamplings do not divide the data shape, saying what would fit', () => {
    expect(errorOf({ decoderChannels: [64, 32, 16] })).toMatch(/decoderChannels: 3 stride-2 upsamplings .*28x28.* at most 2 decoderChannels/);
    expect(errorOf({ dataShape: [27, 28, 1] })).toMatch(/decoderChannels: .*odd height or width/);
  });
});
