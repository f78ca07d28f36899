#!/usr/bin/env bash
# Consumer test: installs tame the way a user does, from `npm pack` tarballs, into a project outside the repository,
# and checks what tests run from source cannot see: the files each package publishes, its .d.ts, its entry points
# and its dependencies. Needs `npm run build` first (CI runs it right after the build).
#   bash tooling/consumer-test/run.sh          # the temporary project is deleted at the end
#   bash tooling/consumer-test/run.sh --keep   # ... or kept, for inspection
# The last line says "consumer test: passed" or "consumer test: FAILED".
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/tooling/consumer-test"
keep=false
[ "${1:-}" = "--keep" ] && keep=true
work=$(mktemp -d "${TMPDIR:-/tmp}/tame-consumer.XXXXXX")
tarballs="$work/tarballs"
project="$work/project"
started=$SECONDS
current_step="setup"

step() {
  current_step=$1
  printf '\n== %s (at %ss)\n' "$1" "$((SECONDS - started))"
}
finish() {
  local status=$?
  if $keep; then echo "kept the temporary project: $project"; else rm -rf "$work"; fi
  if [ "$status" -eq 0 ]; then
    echo "consumer test: passed in $((SECONDS - started))s"
  else
    echo "consumer test: FAILED at step '$current_step' (exit $status) after $((SECONDS - started))s"
  fi
  exit "$status"
}
trap finish EXIT
# The repository's own tools (installed at its root by npm ci), never a download.
bin() { "$repo/node_modules/.bin/$1" "${@:2}"; }
# The version the repository's lock file pins, so the consumer builds with what the repository tests with.
locked_version() { node -p "require('$repo/package-lock.json').packages['node_modules/$1'].version"; }

step "1/7 pack every public library in packages/* and the example constraint plugin"
mapfile -t packages < <(cd "$repo" && node -e '
  const { readdirSync, readFileSync, existsSync } = require("node:fs");
  for (const name of readdirSync("packages").sort()) {
    const file = `packages/${name}/package.json`;
    if (existsSync(file) && JSON.parse(readFileSync(file, "utf8")).private !== true) console.log(`packages/${name}`);
  }')
[ "${#packages[@]}" -gt 0 ] || { echo "found no public package in packages/*"; exit 1; }
# The example is private (never published) but packs like any package: the consumer installs it from its tarball.
packages+=("examples/constraint-mae")
for directory in "${packages[@]}"; do
  [ -f "$repo/$directory/dist/index.js" ] || { echo "$directory/dist/index.js is missing: run npm run build first"; exit 1; }
done
mkdir -p "$tarballs" "$project"
(cd "$repo" && npm pack "${packages[@]/#/--workspace=}" --pack-destination "$tarballs" --silent >/dev/null)
ls -1 "$tarballs"
[ "$(find "$tarballs" -name '*.tgz' | wc -l)" -eq "${#packages[@]}" ] || { echo "expected ${#packages[@]} tarballs"; exit 1; }

step "2/7 publint --strict and are-the-types-wrong on each tarball"
problems=0
for tarball in "$tarballs"/*.tgz; do
  name=$(basename "$tarball" .tgz)
  if output=$(bin publint --strict "$tarball" 2>&1) && grep -q "All good" <<<"$output"; then
    echo "  ok publint $name"
  else
    echo "$output"; echo "  FAILED publint $name"; problems=$((problems + 1))
  fi
  # --profile esm-only: tame ships ESM only ("type": "module", import-only exports), so require() from CommonJS and
  # node10 resolution (no `exports`) are out of scope; every other rule applies, none is ignored.
  if output=$(bin attw --profile esm-only --no-emoji --no-color --format table-flipped "$tarball" 2>&1); then
    echo "  ok attw    $name"
  else
    echo "$output"; echo "  FAILED attw $name"; problems=$((problems + 1))
  fi
done
[ "$problems" -eq 0 ] || { echo "$problems package check(s) failed"; exit 1; }

step "3/7 install the tarballs into a fresh project outside the repository"
cat >"$project/package.json" <<'JSON'
{ "name": "tame-consumer", "private": true, "type": "module" }
JSON
# --prefer-offline: everything but the tarballs is in the npm cache after `npm ci`; no registry round trip per package.
(cd "$project" && npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "$tarballs"/*.tgz \
  "@tensorflow/tfjs@$(locked_version @tensorflow/tfjs)" \
  "typescript@$(locked_version typescript)" \
  "@types/node@$(locked_version @types/node)" \
  "vitest@$(locked_version vitest)")
# Every @tame/* in the tree must be a tarball: a ^0.1.0 range fetched from the registry instead would test the wrong code.
(cd "$project" && node -e '
  const lock = require("./package-lock.json");
  const entries = Object.entries(lock.packages).filter(([path]) => /node_modules\/@tame(-example)?\//.test(path));
  const foreign = entries.filter(([, entry]) => !String(entry.resolved).startsWith("file:"));
  for (const [path, entry] of foreign) console.error(`  ${path} came from ${entry.resolved}, not from a tarball`);
  console.log(`  ${entries.length - foreign.length} of ${entries.length} @tame packages installed from the tarballs`);
  process.exit(foreign.length === 0 ? 0 : 1);')

step "4/7 type-check consumer.ts and train-conv-vae.js against the published .d.ts (tsc --noEmit, strict)"
cp "$here"/consumer.ts "$here"/train-conv-vae.js "$here"/import-entry-points.js "$here"/constraint-conformance.test.ts "$here"/tsconfig.json "$project/"
(cd "$project" && ./node_modules/.bin/tsc --noEmit -p tsconfig.json)
echo "  ok"

step "5/7 import every public entry point in Node (ESM)"
(cd "$project" && node import-entry-points.js)

step "6/7 the constraint conformance suite from the installed @tame/core/test (vitest)"
(cd "$project" && ./node_modules/.bin/vitest run --reporter=dot constraint-conformance.test.ts)

step "7/7 train the conv VAE 20 steps under GECO with the example MAE constraint (wasm)"
(cd "$project" && node train-conv-vae.js)
