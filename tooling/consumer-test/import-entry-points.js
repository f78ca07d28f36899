// Imports every entry point in the `exports` of every installed @tame/* and @tame-example/* package, the way Node
// resolves them for an ESM user: catches files missing from a tarball and dependencies missing from a package.json.
// `./test` is left out: it imports vitest, which only works inside the vitest runner (constraint-conformance.test.ts
// runs it there).
import { readFileSync } from 'node:fs';

const project = JSON.parse(readFileSync('package.json', 'utf8'));
const names = Object.keys(project.dependencies ?? {}).filter((name) => /^@tame(-example)?\//.test(name));
const specifiers = names.flatMap((name) => {
  const manifest = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8'));
  const subpaths = Object.keys(manifest.exports ?? { '.': null }).filter((subpath) => subpath !== './package.json' && subpath !== './test');
  return subpaths.map((subpath) => name + subpath.slice(1));
});
let failed = 0;
for (const specifier of specifiers) {
  try {
    const module = await import(specifier);
    console.log(`  ok ${specifier} (${Object.keys(module).length} exports)`);
  } catch (error) {
    failed += 1;
    console.error(`  FAILED ${specifier}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
console.log(`${specifiers.length - failed} of ${specifiers.length} entry points imported`);
process.exit(failed === 0 && specifiers.length > 0 ? 0 : 1);
