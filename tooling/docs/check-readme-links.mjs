#!/usr/bin/env node
// Checks the links of the repository's READMEs, CONTRIBUTING.md and ARCHITECTURE.md (node_modules, build output and
// the generated API reference excluded). A link fails when it
//   - points outside the repository (an absolute path, a file: URL, or a relative path that climbs out of the root),
//   - points at a file or folder that does not exist,
//   - has a #fragment that names no heading of the markdown file it points at (GitHub's heading ids).
// A mention of `shared/reference/` (research notes that live outside the repository and are not published) fails too,
// link or not. http(s) and mailto links are not fetched.
//
// Usage: node tooling/docs/check-readme-links.mjs [--verbose] [file.md ...]   (no files: every README in the repo)
// Exits 0 when every link resolves, 1 with one line per problem otherwise. No dependencies.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const checkedNames = new Set(['README.md', 'CONTRIBUTING.md', 'ARCHITECTURE.md']);
const skippedDirectories = new Set(['node_modules', '.git', 'dist', '.turbo', 'coverage', '.tmp', 'runs']);
const skippedPaths = new Set(['docs/api']);
const outsideMentions = [/(^|[^\w/.-])(?:\.\.\/)*shared\/reference\//];

function toPosix(file) {
  return file.split(path.sep).join('/');
}

/** The markdown files to check: tracked or new (not ignored) files if git knows the repository, else a walk. */
function findMarkdownFiles() {
  let files;
  try {
    const output = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    files = output.split('\0').filter((file) => file !== '' && existsSync(path.join(root, file)));
  } catch {
    files = [];
    const walk = (directory) => {
      for (const entry of readdirSync(path.join(root, directory), { withFileTypes: true })) {
        const relative = directory === '' ? entry.name : `${directory}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!skippedDirectories.has(entry.name) && !skippedPaths.has(relative)) walk(relative);
        } else if (entry.isFile()) {
          files.push(relative);
        }
      }
    };
    walk('');
  }
  return files
    .filter((file) => checkedNames.has(path.posix.basename(file)))
    .filter((file) => !file.split('/').some((part) => skippedDirectories.has(part)))
    .filter((file) => ![...skippedPaths].some((skipped) => file === skipped || file.startsWith(`${skipped}/`)))
    .sort();
}

/** The text with fenced code blocks blanked out (line numbers kept) and inline code spans marked. */
function splitCode(text) {
  const lines = text.split('\n');
  let fence = null;
  return lines.map((line) => {
    const match = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (match && match[1][0] === fence[0] && match[1].length >= fence.length) fence = null;
      return { prose: '', raw: line, inCode: true };
    }
    if (match) {
      fence = match[1];
      return { prose: '', raw: line, inCode: true };
    }
    return { prose: line.replace(/(`+)(?:(?!\1).)+\1/g, (span) => ' '.repeat(span.length)), raw: line, inCode: false };
  });
}

/** GitHub's id for a heading: lower case, markup and punctuation removed, spaces to hyphens. */
function slugify(heading) {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*_~]/g, (character) => (character === '_' ? '_' : ''))
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
}

const anchorCache = new Map();

/** The fragment ids a markdown file defines: its headings (with GitHub's -1, -2 for repeats) and HTML ids/names. */
function anchorsOf(file) {
  if (anchorCache.has(file)) return anchorCache.get(file);
  const anchors = new Set();
  const counts = new Map();
  for (const { raw, inCode } of splitCode(readFileSync(file, 'utf8'))) {
    if (inCode) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const base = slugify(heading[1]);
      const seen = counts.get(base) ?? 0;
      counts.set(base, seen + 1);
      anchors.add(seen === 0 ? base : `${base}-${seen}`);
    }
    for (const match of raw.matchAll(/<[a-z][^>]*\s(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(match[1]);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/** Every link target of a line of prose: inline links and images, reference definitions, HTML href/src. */
function linkTargets(prose) {
  const targets = [];
  const inline = /!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+(?:\([^)]*\)[^\s)]*)*)(?:\s+("[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
  for (const match of prose.matchAll(inline)) targets.push(match[1].replace(/^<|>$/g, ''));
  const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(prose);
  if (definition) targets.push(definition[1].replace(/^<|>$/g, ''));
  for (const match of prose.matchAll(/<(?:a|img|source)\s[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']/gi)) targets.push(match[1]);
  return targets;
}

function checkTarget(file, target) {
  if (/^(https?:|mailto:)/i.test(target)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return `points outside the repository (${target.split(':')[0]}: URL)`;
  const hashIndex = target.indexOf('#');
  const pathPart = (hashIndex === -1 ? target : target.slice(0, hashIndex)).replace(/\?.*$/, '');
  const fragment = hashIndex === -1 ? '' : decodeURIComponent(target.slice(hashIndex + 1));
  let decoded;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return 'is not a valid URL path';
  }
  if (decoded.startsWith('/')) return 'is an absolute path (outside the repository on npm and on every other machine)';
  const resolved = decoded === '' ? file : path.resolve(path.dirname(file), decoded);
  const relative = path.relative(root, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return 'points outside the repository';
  if (!existsSync(resolved)) return `points at ${toPosix(relative) || '.'}, which does not exist`;
  if (fragment !== '' && statSync(resolved).isFile() && resolved.endsWith('.md')) {
    if (!anchorsOf(resolved).has(fragment.toLowerCase()) && !anchorsOf(resolved).has(fragment)) {
      return `has #${fragment}, which is no heading of ${toPosix(path.relative(root, resolved))}`;
    }
  }
  return null;
}

function checkFile(relativeFile) {
  const file = path.join(root, relativeFile);
  const problems = [];
  let links = 0;
  splitCode(readFileSync(file, 'utf8')).forEach(({ prose, raw }, index) => {
    const where = `${relativeFile}:${index + 1}`;
    for (const pattern of outsideMentions) {
      if (pattern.test(raw)) problems.push(`${where}: mentions shared/reference/, which is outside the repository`);
    }
    for (const target of linkTargets(prose)) {
      links += 1;
      const problem = checkTarget(file, target);
      if (problem) problems.push(`${where}: link "${target}" ${problem}`);
    }
  });
  return { problems, links };
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const explicit = args.filter((argument) => argument !== '--verbose');
const files = explicit.length > 0 ? explicit.map((file) => toPosix(path.relative(root, path.resolve(file)))) : findMarkdownFiles();
let problems = [];
let links = 0;
for (const file of files) {
  const result = checkFile(file);
  if (verbose) console.log(`${file}: ${result.links} links, ${result.problems.length} problems`);
  problems = problems.concat(result.problems);
  links += result.links;
}
if (problems.length > 0) {
  console.error(`check-readme-links: ${problems.length} broken link(s) in ${files.length} files:`);
  for (const problem of problems) console.error(`  ${problem}`);
  console.error('Link only to files inside the repository (relative paths) or to http(s) URLs.');
  process.exit(1);
}
console.log(`check-readme-links: ${links} links in ${files.length} files, all resolve inside the repository.`);
