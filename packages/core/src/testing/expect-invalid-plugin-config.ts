import { expect } from 'vitest';
import { InvalidPluginConfigError, TameError } from '../errors/tame-error.js';
import { parsePluginConfig } from '../plugin/parse-plugin-config.js';
import type { StandardSchemaV1 } from '../spec/standard-schema.js';

/**
 * Asserts that `config` is refused the way users should see it: an InvalidPluginConfigError (a TameError) whose
 * message names the plugin's id, the `field` at fault (`field:`) and matches `fragment`. Fails if the config parses.
 */
export function expectInvalidPluginConfig<CONFIG>(plugin: { readonly id: string; readonly configSchema: StandardSchemaV1<unknown, CONFIG> }, config: unknown, field: string, fragment: RegExp): void {
  try {
    parsePluginConfig(plugin, config);
  } catch (error) {
    expect(TameError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(InvalidPluginConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`'${plugin.id}'`);
    expect(message).toContain(`${field}:`);
    expect(message).toMatch(fragment);
    return;
  }
  throw new Error(`config ${JSON.stringify(config)} was accepted`);
}
