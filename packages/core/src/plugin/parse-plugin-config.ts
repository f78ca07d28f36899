import { InvalidPluginConfigError } from '../errors/tame-error.js';
import type { StandardSchemaV1 } from '../spec/standard-schema.js';

function describePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  if (path === undefined || path.length === 0) return '(config)';
  return path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}

/**
 * Validates `config` with a plugin's schema and returns it with defaults applied. Throws InvalidPluginConfigError
 * naming the plugin and every invalid field. Only synchronous schemas are allowed.
 */
export function parsePluginConfig<CONFIG>(
  plugin: { readonly id: string; readonly configSchema: StandardSchemaV1<unknown, CONFIG> },
  config: unknown,
): CONFIG {
  const result = plugin.configSchema['~standard'].validate(config ?? {});
  if (result instanceof Promise) {
    throw new InvalidPluginConfigError(plugin.id, ['the config schema is asynchronous; tame needs a synchronous schema']);
  }
  if (result.issues !== undefined) {
    throw new InvalidPluginConfigError(
      plugin.id,
      result.issues.map((issue) => `${describePath(issue.path)}: ${issue.message}`),
    );
  }
  return result.value;
}
