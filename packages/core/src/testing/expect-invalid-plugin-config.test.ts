import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectInvalidPluginConfig } from './expect-invalid-plugin-config.js';

const plugin = { id: '@example/widget', configSchema: z.object({ size: z.number().int().positive() }).strict() };

describe('expectInvalidPluginConfig', () => {
  it('passes for a refused config whose message names the plugin and the field', () => {
    expectInvalidPluginConfig(plugin, { size: -1 }, 'size', /positive|>0|greater/i);
  });

  it('fails for a config that parses, and for a message naming another field', () => {
    expect(() => expectInvalidPluginConfig(plugin, { size: 3 }, 'size', /./)).toThrow('config {"size":3} was accepted');
    expect(() => expectInvalidPluginConfig(plugin, { size: -1 }, 'colour', /./)).toThrow();
  });
});
