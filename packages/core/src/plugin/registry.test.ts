import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidPluginConfigError, NoSuchPluginError, TameError, UnsupportedSpecificationVersionError } from '../errors/tame-error.js';
import { createTinyVae } from '../testing/tiny-vae.js';
import { defineModelPlugin } from './define-plugin.js';
import { parsePluginConfig } from './parse-plugin-config.js';
import { createRegistry } from './registry.js';

const tinyVaeModel = defineModelPlugin({
  id: '@tame/core/tiny-vae',
  configSchema: z.object({ inputSize: z.number().int().positive(), latentSize: z.number().int().positive().default(2) }),
  create: (config) => createTinyVae(config),
});

describe('parsePluginConfig', () => {
  it('applies schema defaults', () => {
    expect(parsePluginConfig(tinyVaeModel, { inputSize: 4 })).toEqual({ inputSize: 4, latentSize: 2 });
  });

  it('names the plugin and every invalid field', () => {
    const error = (() => {
      try {
        parsePluginConfig(tinyVaeModel, { inputSize: -1, latentSize: 'x' });
      } catch (caught) {
        return caught as InvalidPluginConfigError;
      }
    })();
    expect(error).toBeInstanceOf(InvalidPluginConfigError);
    expect(TameError.isInstance(error)).toBe(true);
    expect(error?.message).toMatch(/^Invalid config for plugin '@tame\/core\/tiny-vae': inputSize: .*; latentSize: /);
  });
});

describe('createRegistry', () => {
  it('creates instances by id with validated configs', () => {
    const registry = createRegistry([tinyVaeModel]);
    expect(registry.ids('model')).toEqual(['@tame/core/tiny-vae']);
    const model = registry.create('model', '@tame/core/tiny-vae', { inputSize: 3 });
    expect(model.getConfig()).toMatchObject({ inputSize: 3, latentSize: 2 });
    model.dispose();
  });

  it('rejects unknown ids, duplicates and unsupported specification versions', () => {
    const registry = createRegistry([tinyVaeModel]);
    expect(() => registry.create('model', 'nope', {})).toThrow(NoSuchPluginError);
    expect(() => registry.create('model', 'nope', {})).toThrow(/Available: @tame\/core\/tiny-vae/);
    expect(() => createRegistry([tinyVaeModel, tinyVaeModel])).toThrow(/listed twice/);
    const future = { ...tinyVaeModel, specificationVersion: 'v9' } as unknown as typeof tinyVaeModel;
    expect(() => createRegistry([future])).toThrow(UnsupportedSpecificationVersionError);
  });
});
