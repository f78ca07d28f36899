#!/usr/bin/env node
// Dry run of `changeset version` on a scratch copy of the workspace manifests, then checks of the result:
//   1. every package named in a pending changeset got a higher version and a CHANGELOG.md entry for it;
//   2. every internal dependency range (dependencies, devDependencies, peerDependencies, optionalDependencies) of
//      every workspace package.json, private ones included, still matches the sibling's new version;
//   3. no package changed its major version (0.x -> 1.0.0 included) unless a changeset asked for a major bump of it:
//      the peer-dependent cascade of changesets on 0.x (a minor of a peer makes every peer dependent major), see
//      docs/decisions/0001-plugins-depend-on-core-not-peer.md;
//   4. private packages keep their versions (the config does not version them).
// The repository itself is not touched: the scratch copy holds the root package.json, .changeset/ and each
// workspace's package.json and CHANGELOG.md, with a link to the root node_modules.
//
// Usage: node tooling/release/check-changeset-version.mjs [--keep]   (--keep leaves the scratch copy for a look)
// Exits 0 when every check passes (or when no changeset is pending), 1 otherwise.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const keep = process.argv.includes('--keep');
const dependencyFields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
const bumpOrder = { none: 0, patch: 1, minor: 2, major: 3 };

const semver = loadSemver();

function loadSemver() {
  try {
    return createRequire(path.join(root, 'package.json'))('semver');
  } catch {
    return null;
  }
}

/** x.y.z -> [x, y, z]; pre-release tags are not used in this repository and are refused. */
function parseVersion(version) {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`cannot compare version "${version}" without the semver package`);
  return match.slice(1).map(Number);
}

function compareVersions(a, b) {
  if (semver) return semver.compare(a, b);
  const [x, y] = [parseVersion(a), parseVersion(b)];
  for (let index = 0; index < 3; index += 1) if (x[index] !== y[index]) return x[index] < y[index] ? -1 : 1;
  return 0;
}

function majorOf(version) {
  return semver ? semver.major(version) : parseVersion(version)[0];
}

/** semver.satisfies, or a fallback for the forms this repository writes: x.y.z, ^x.y.z, ~x.y.z, *. */
function satisfies(version, range) {
  if (semver) return semver.satisfies(version, range);
  const trimmed = range.trim();
  if (trimmed === '*' || trimmed === '') return true;
  const match = /^([\^~]?)(\d+\.\d+\.\d+)$/.exec(trimmed);
  if (!match) throw new Error(`cannot check range "${range}" without the semver package`);
  const [v, low] = [parseVersion(version), parseVersion(match[2])];
  if (compareVersions(version, match[2]) < 0) return false;
  if (match[1] === '') return compareVersions(version, match[2]) === 0;
  if (match[1] === '~') return v[0] === low[0] && v[1] === low[1];
  if (low[0] > 0) return v[0] === low[0];
  if (low[1] > 0) return v[0] === 0 && v[1] === low[1];
  return v[0] === 0 && v[1] === 0 && v[2] === low[2];
}

/** The workspace folders (relative), from the root package.json's globs of the form "dir/*" or "dir". */
function workspaceDirectories(base) {
  const manifest = JSON.parse(readFileSync(path.join(base, 'package.json'), 'utf8'));
  const globs = Array.isArray(manifest.workspaces) ? manifest.workspaces : (manifest.workspaces?.packages ?? []);
  const directories = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      if (!existsSync(path.join(base, parent))) continue;
      for (const entry of readdirSync(path.join(base, parent), { withFileTypes: true })) {
        const directory = `${parent}/${entry.name}`;
        if (entry.isDirectory() && existsSync(path.join(base, directory, 'package.json'))) directories.push(directory);
      }
    } else if (!glob.includes('*') && existsSync(path.join(base, glob, 'package.json'))) {
      directories.push(glob);
    } else {
      throw new Error(`unsupported workspace glob "${glob}" (only "dir/*" and "dir")`);
    }
  }
  return directories.sort();
}

function readManifests(base, directories) {
  const manifests = new Map();
  for (const directory of directories) {
    const manifest = JSON.parse(readFileSync(path.join(base, directory, 'package.json'), 'utf8'));
    manifests.set(manifest.name, { directory, manifest });
  }
  return manifests;
}

/** The pending changesets: file name -> { package name -> bump }. */
function readChangesets(base) {
  const directory = path.join(base, '.changeset');
  const changesets = new Map();
  for (const file of readdirSync(directory)) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(path.join(directory, file), 'utf8');
    const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (!frontMatter) throw new Error(`.changeset/${file} has no front matter`);
    const bumps = new Map();
    for (const line of frontMatter[1].split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const match = /^\s*["']?([^"':]+)["']?\s*:\s*(patch|minor|major|none)\s*$/.exec(line);
      if (!match) throw new Error(`.changeset/${file}: cannot read "${line}"`);
      bumps.set(match[1], match[2]);
    }
    changesets.set(file, bumps);
  }
  return changesets;
}

function main() {
  const directories = workspaceDirectories(root);
  const before = readManifests(root, directories);
  const changesets = readChangesets(root);
  const requested = new Map();
  for (const bumps of changesets.values()) {
    for (const [name, bump] of bumps) {
      if (!before.has(name)) throw new Error(`a changeset names ${name}, which is no workspace package`);
      if (bumpOrder[bump] > bumpOrder[requested.get(name) ?? 'none']) requested.set(name, bump);
    }
  }
  console.log(`${changesets.size} pending changeset(s) for ${requested.size} package(s); ${before.size} workspace packages.`);
  if (!semver) console.log('(semver is not installed: ranges are compared by a small fallback for x.y.z, ^, ~ and *)');
  if (changesets.size === 0) {
    console.log('Nothing to version.');
    return 0;
  }

  const scratch = mkdtempSync(path.join(tmpdir(), 'tame-changeset-version-'));
  try {
    cpSync(path.join(root, 'package.json'), path.join(scratch, 'package.json'));
    cpSync(path.join(root, '.changeset'), path.join(scratch, '.changeset'), { recursive: true });
    for (const directory of directories) {
      for (const file of ['package.json', 'CHANGELOG.md']) {
        if (existsSync(path.join(root, directory, file))) {
          cpSync(path.join(root, directory, file), path.join(scratch, directory, file), { recursive: true });
        }
      }
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
    const changesetBin = path.join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
    const run = spawnSync(process.execPath, [changesetBin, 'version'], { cwd: scratch, encoding: 'utf8' });
    const indent = (text) => (text.trim() === '' ? '' : `${text.trimEnd().replace(/^/gm, '  changeset: ')}\n`);
    process.stdout.write(indent(run.stdout));
    process.stderr.write(indent(run.stderr));
    if (run.status !== 0) {
      console.error(`FAILED: changeset version exited with ${run.status ?? run.signal} (scratch copy: ${scratch})`);
      return 1;
    }
    return checkResult(scratch, directories, before, requested);
  } finally {
    if (keep) console.log(`scratch copy kept at ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

function checkResult(scratch, directories, before, requested) {
  const after = readManifests(scratch, directories);
  const problems = [];
  const rows = [];
  for (const [name, { directory, manifest }] of before) {
    const oldVersion = manifest.version;
    const newManifest = after.get(name)?.manifest;
    if (!newManifest) {
      problems.push(`${name}: package.json disappeared from ${directory}`);
      continue;
    }
    const newVersion = newManifest.version;
    const bump = requested.get(name);
    const changed = newVersion !== oldVersion;
    const reason = bump ? `changeset: ${bump}` : changed ? 'dependency update' : '';
    if (changed || bump) rows.push(`  ${name.padEnd(28)} ${oldVersion.padEnd(8)} -> ${newVersion.padEnd(8)} ${reason}`);

    if (manifest.private) {
      if (changed) problems.push(`${name} is private but changeset version moved it from ${oldVersion} to ${newVersion}`);
      continue;
    }
    if (bump && bump !== 'none') {
      if (compareVersions(newVersion, oldVersion) <= 0) {
        problems.push(`${name} has a pending ${bump} changeset but stayed at ${newVersion}`);
      }
      const changelogPath = path.join(scratch, directory, 'CHANGELOG.md');
      const changelog = existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '';
      const heading = new RegExp(`^##\\s+${newVersion.replace(/\./g, '\\.')}\\s*$`, 'm');
      if (!heading.test(changelog)) problems.push(`${name}: ${directory}/CHANGELOG.md has no "## ${newVersion}" entry`);
    }
    if (changed && majorOf(newVersion) !== majorOf(oldVersion) && bump !== 'major') {
      problems.push(
        `${name} jumped from ${oldVersion} to ${newVersion} without a major changeset: the peer-dependent cascade ` +
          '(a peerDependencies range on a sibling that the release leaves; depend on the sibling through ' +
          '"dependencies" instead, see docs/decisions/0001-plugins-depend-on-core-not-peer.md)',
      );
    }
  }

  const versions = new Map([...after].map(([name, { manifest }]) => [name, manifest.version]));
  let ranges = 0;
  for (const [name, { directory, manifest }] of after) {
    for (const field of dependencyFields) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        if (!versions.has(dependency)) continue;
        ranges += 1;
        if (!satisfies(versions.get(dependency), range)) {
          problems.push(
            `${name} (${directory}/package.json) ${field}: "${dependency}": "${range}" does not match ` +
              `${dependency}'s new version ${versions.get(dependency)}`,
          );
        }
      }
    }
  }

  console.log('Versions after `changeset version`:');
  for (const row of rows) console.log(row);
  console.log(`${ranges} internal dependency ranges checked.`);
  if (problems.length > 0) {
    console.error(`FAILED: ${problems.length} problem(s) after changeset version:`);
    for (const problem of problems) console.error(`  - ${problem}`);
    return 1;
  }
  console.log('changeset version: every pending package bumped with a CHANGELOG entry, ranges match, no accidental major.');
  return 0;
}

try {
  process.exit(main());
} catch (error) {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
