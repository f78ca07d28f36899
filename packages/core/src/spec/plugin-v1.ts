import type { StandardSchemaV1 } from './standard-schema.js';

export type PluginKind = 'model' | 'likelihood' | 'constraint' | 'dataset';

/**
 * What every plugin factory has in common. A plugin is a plain object: `create(config)` validates nothing itself;
 * core's `parsePluginConfig` runs `configSchema` first, so `create` receives a config with defaults applied.
 */
export interface PluginV1<KIND extends PluginKind, CONFIG, INSTANCE> {
  /** Literal version of the plugin specification; core switches on it. */
  readonly specificationVersion: 'v1';
  readonly kind: KIND;
  /** Unique id: the npm package name, plus '/variant' when a package exports several (e.g. '@tame/constraints/re'). */
  readonly id: string;
  /** Validates and completes a JSON config (defaults). Any Standard Schema (zod 4, valibot, arktype) fits. */
  readonly configSchema: StandardSchemaV1<unknown, CONFIG>;
  create(config: CONFIG): INSTANCE;
}
