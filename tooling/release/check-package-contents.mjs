#!/usr/bin/env node
// Checks what `npm publish` would put in a package's tarball, from the JSON of `npm publish --dry-run --json`:
//   - every file that package.json points at (exports, including the @tame/source condition, main, types, bin) is in it;
//   - no test file (*.test.ts, *.test-support.ts, test-helpers.*, test-fixtures.*) and a README.md is;
//   - every bare import of the shipped JavaScript, declarations and sources names a package the users get: a
//     dependency, peerDependency or optionalDependency (not a devDependency: emitted .d.ts files import their types'
//     packages, and strict installs such as pnpm's break without them).
// Prints warnings (not failures) for a missing LICENSE file and a placeholder repository URL.
//
// Usage: node tooling/release/check-package-contents.mjs <package folder> <publish dry-run JSON file>
// Exits 0 when the tarball is fine, 1 otherwise.

import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const [packageDirectory, publishJson] = process.argv.slice(2);
if (!packageDirectory || !publishJson) {
  console.error('usage: check-package-contents.mjs <package folder> <publish dry-run JSON file>');
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(path.join(packageDirectory, 'package.json'), 'utf8'));
const report = JSON.parse(readFileSync(publishJson, 'utf8'));
const entry = report[manifest.name] ?? report;
const files = new Set((entry.files ?? []).map((file) => file.path.replace(/^\.\//, '')));
const problems = [];
const warnings = [];

function normalise(target) {
  return target.replace(/^\.\//, '');
}

function exportTargets(value, trail) {
  if (typeof value === 'string') return [[trail, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => exportTargets(child, `${trail} > ${key}`));
}

if (files.size === 0) problems.push('the dry run lists no files');
const pointed = [
  ...exportTargets(manifest.exports ?? {}, 'exports'),
  ...['main', 'module', 'types', 'typings'].filter((field) => manifest[field]).map((field) => [field, manifest[field]]),
  ...exportTargets(typeof manifest.bin === 'string' ? { bin: manifest.bin } : (manifest.bin ?? {}), 'bin'),
];
for (const [where, target] of pointed) {
  if (target.includes('*')) continue;
  if (!files.has(normalise(target))) problems.push(`${where} points at ${target}, which is not in the tarball`);
}

const testFile = /(^|\/)(__tests__\/|[^/]*\.test\.[cm]?[jt]sx?$|[^/]*\.test-support\.[cm]?[jt]sx?$|test-helpers\.[cm]?[jt]sx?$|test-fixtures\.[cm]?[jt]sx?$)/;
for (const file of files) if (testFile.test(file)) problems.push(`test file in the tarball: ${file}`);
if (![...files].some((file) => /^readme(\.md)?$/i.test(file))) problems.push('no README.md in the tarball');
if (![...files].some((file) => /^(licen[cs]e|copying)(\.|$)/i.test(file))) {
  warnings.push(`no LICENSE file in the tarball (package.json says "${manifest.license}")`);
}
const repositoryUrl = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
if (!repositoryUrl) warnings.push('no repository field');
else if (/example\.(invalid|com|org)/.test(repositoryUrl)) warnings.push(`repository.url is a placeholder: ${repositoryUrl}`);

const allowed = new Set([
  manifest.name,
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.peerDependencies ?? {}),
  ...Object.keys(manifest.optionalDependencies ?? {}),
]);
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'\n]+)["']/g;
const undeclared = new Map();

/** Whether a relative import of a shipped file resolves to a shipped file (TypeScript's .js -> .ts mapping included). */
function relativeImportShipped(fromFile, target) {
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), target));
  const stem = resolved.replace(/\.[cm]?js$/, '');
  const candidates = [resolved, `${stem}.ts`, `${stem}.d.ts`, `${stem}.mts`, `${stem}.d.mts`, `${stem}.js`];
  candidates.push(`${resolved}/index.js`, `${resolved}/index.ts`, `${resolved}/index.d.ts`);
  return candidates.some((candidate) => files.has(candidate));
}
for (const file of files) {
  if (!/\.(?:[cm]?js|d\.[cm]?ts|[cm]?ts)$/.test(file) || testFile.test(file)) continue;
  let text;
  try {
    text = readFileSync(path.join(packageDirectory, file), 'utf8');
  } catch (error) {
    problems.push(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    continue;
  }
  for (const match of text.matchAll(specifier)) {
    const target = match[1];
    if (target.startsWith('.')) {
      if (!relativeImportShipped(file, target)) problems.push(`${file} imports ${target}, which is not in the tarball`);
      continue;
    }
    if (target.startsWith('/') || builtins.has(target) || target.startsWith('node:')) continue;
    const name = target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0];
    if (allowed.has(name) || builtins.has(name)) continue;
    if (!undeclared.has(name)) undeclared.set(name, new Set());
    undeclared.get(name).add(file);
  }
}
for (const [name, where] of undeclared) {
  const kind = manifest.devDependencies?.[name] ? 'only a devDependency' : 'not a dependency';
  const list = [...where].slice(0, 3).join(', ') + (where.size > 3 ? `, +${where.size - 3} more` : '');
  problems.push(`imports ${name}, which is ${kind} (${list})`);
}

const label = `${manifest.name}@${manifest.version}`;
for (const warning of warnings) console.log(`  warning: ${label}: ${warning}`);
if (problems.length > 0) {
  console.error(`FAILED: ${label}: ${problems.length} problem(s) in the tarball:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`  ${label}: ${files.size} files, exports present, no test files, imports declared.`);
