import { InvalidArgumentError, NoSuchPluginError, UnsupportedSpecificationVersionError } from '../errors/tame-error.js';
import type { ConstraintV1 } from '../spec/constraint-v1.js';
import type { DatasetV1 } from '../spec/dataset-v1.js';
import type { LikelihoodV1 } from '../spec/likelihood-v1.js';
import type { ModelV1 } from '../spec/model-v1.js';
import type { PluginKind, PluginV1 } from '../spec/plugin-v1.js';
import { parsePluginConfig } from './parse-plugin-config.js';

export const supportedSpecificationVersions = ['v1'] as const;

// A registry holds plugins of any config type; configs are validated by each plugin's own schema.
type AnyPlugin = PluginV1<PluginKind, any, unknown>;

interface InstanceByKind {
  model: ModelV1;
  likelihood: LikelihoodV1;
  constraint: ConstraintV1;
  dataset: DatasetV1;
}

export interface PluginRegistry {
  /** Ids of the registered plugins of one kind. */
  ids(kind: PluginKind): string[];
  get(kind: PluginKind, id: string): AnyPlugin;
  /** Validates the JSON config against the plugin's schema, then creates the instance. */
  create<KIND extends PluginKind>(kind: KIND, id: string, config?: unknown): InstanceByKind[KIND];
}

/** Throws unless `plugin` carries a specification version this core supports. */
export function assertSupportedPlugin(plugin: { readonly id?: unknown; readonly specificationVersion?: unknown }): void {
  if (!(supportedSpecificationVersions as readonly unknown[]).includes(plugin.specificationVersion)) {
    throw new UnsupportedSpecificationVersionError(
      String(plugin.id ?? '(unnamed plugin)'),
      plugin.specificationVersion,
      supportedSpecificationVersions,
    );
  }
}

/**
 * Maps plugin ids to plugins for config-first composition (JSON experiment files). Rejects duplicate ids and
 * unsupported specification versions when built. Nothing registers itself: the app passes the plugins it wants.
 */
export function createRegistry(plugins: readonly AnyPlugin[]): PluginRegistry {
  const byKey = new Map<string, AnyPlugin>();
  for (const plugin of plugins) {
    assertSupportedPlugin(plugin);
    const key = `${plugin.kind}:${plugin.id}`;
    if (byKey.has(key)) throw new InvalidArgumentError('plugins', `the ${plugin.kind} plugin '${plugin.id}' is listed twice`);
    byKey.set(key, plugin);
  }
  const ids = (kind: PluginKind) => [...byKey.values()].filter((plugin) => plugin.kind === kind).map((plugin) => plugin.id);
  const get = (kind: PluginKind, id: string) => {
    const plugin = byKey.get(`${kind}:${id}`);
    if (plugin === undefined) throw new NoSuchPluginError(kind, id, ids(kind));
    return plugin;
  };
  return {
    ids,
    get,
    create(kind, id, config) {
      const plugin = get(kind, id);
      return plugin.create(parsePluginConfig(plugin, config)) as InstanceByKind[typeof kind];
    },
  };
}
