import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findNodeImports } from './testing/find-node-imports.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The public packages: every packages/* whose package.json is not private. */
const publicPackages = readdirSync(join(repositoryRoot, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => JSON.parse(readFileSync(join(repositoryRoot, 'packages', entry.name, 'package.json'), 'utf8')) as { name: string; private?: boolean })
  .filter((manifest) => manifest.private !== true)
  .map((manifest) => manifest.name);

describe('browser bundles', () => {
  it('finds the public packages', () => {
    expect(publicPackages).toContain('@tame/core');
    expect(publicPackages.length).toBeGreaterThanOrEqual(5);
  });

  it.each(publicPackages)("%s: the main entry ('.') bundles for the browser without Node built-ins", async (name) => {
    const report = await findNodeImports(`export * from '${name}';`, repositoryRoot);
    const nodeImports = report.nodeImports.map(({ specifier, importer }) => `${name} imports '${specifier}' (in ${importer}); move it behind ${name}/node`);
    expect(nodeImports, nodeImports.join('\n')).toEqual([]);
    expect(report.errors, `${name}: ${report.errors.join('\n')}`).toEqual([]);
  });

  it('would catch a Node import: an in-memory module importing node:fs, child_process and fs/promises', async () => {
    const report = await findNodeImports(
      [
        "import { readFileSync } from 'node:fs';",
        "import { execSync } from 'child_process';",
        "export const read = () => import('fs/promises');",
        'export const run = () => execSync(String(readFileSync("x")));',
      ].join('\n'),
      repositoryRoot,
    );
    expect(report.nodeImports).toEqual([
      { specifier: 'node:fs', importer: '<entry>' },
      { specifier: 'child_process', importer: '<entry>' },
      { specifier: 'fs/promises', importer: '<entry>' },
    ]);
    expect(report.errors).toEqual([]);
  });

  it("would catch one a package's Node-only entry pulls in, naming the file", async () => {
    const report = await findNodeImports("export * from '@tame/core/node';", repositoryRoot);
    expect(report.nodeImports.length).toBeGreaterThan(0);
    expect(report.nodeImports.every(({ importer }) => importer.startsWith('packages/core/src/'))).toBe(true);
    expect(report.nodeImports.map(({ specifier }) => specifier)).toEqual(expect.arrayContaining([expect.stringMatching(/^node:fs/)]));
  });
});
