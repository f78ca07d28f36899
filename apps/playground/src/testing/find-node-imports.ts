import { build, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';

export interface NodeImport {
  /** As written: `node:fs`, `fs/promises`, `worker_threads`, ... */
  readonly specifier: string;
  /** The file that imports it, relative to the resolve directory when inside it. */
  readonly importer: string;
}

export interface BrowserBundleReport {
  readonly nodeImports: readonly NodeImport[];
  /** Any other error esbuild reported (an unresolvable package, a syntax error). */
  readonly errors: readonly string[];
}

const builtins = new Set(builtinModules);

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtins.has(specifier);
}

/**
 * Bundles `contents` (an ES module, TypeScript allowed) for the browser as a consumer of the tame packages would:
 * esbuild with `platform: 'browser'` and the `@tame/source` condition, only `@tensorflow/*` external. Every import of
 * a Node built-in that the browser build cannot resolve is recorded with its importer (and bundling goes on, so
 * all of them are listed); built-ins a dependency's `browser` field maps away, or an npm polyfill resolves, are fine.
 */
export async function findNodeImports(contents: string, resolveDir: string): Promise<BrowserBundleReport> {
  const nodeImports: NodeImport[] = [];
  const detector: Plugin = {
    name: 'node-builtin-detector',
    setup(bundler) {
      bundler.onResolve({ filter: /.*/ }, async (args) => {
        if (!isNodeBuiltin(args.path) || args.pluginData?.probing === true) return undefined;
        const resolved = await bundler.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { probing: true },
        });
        if (resolved.errors.length === 0) return undefined;
        const importer = args.importer.startsWith(resolveDir) ? args.importer.slice(resolveDir.length + 1) : args.importer;
        nodeImports.push({ specifier: args.path, importer });
        return { path: args.path, external: true };
      });
    },
  };
  const errors = await build({
    stdin: { contents, resolveDir, loader: 'ts', sourcefile: '<entry>' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['@tame/source'],
    external: ['@tensorflow/*'],
    logLevel: 'silent',
    plugins: [detector],
  }).then(
    (result) => result.errors.map((message) => message.text),
    (failure: { errors?: Array<{ text: string; location: { file: string } | null }> }) =>
      (failure.errors ?? [{ text: String(failure), location: null }]).map(({ text, location }) => (location === null ? text : `${location.file}: ${text}`)),
  );
  return { nodeImports, errors };
}
