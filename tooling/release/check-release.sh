#!/usr/bin/env bash
# Release checks, run before `npm run ci:version` / `npm run ci:release` (and in CI):
#   1. `changeset version` dry run on a scratch copy: every package with a pending changeset gets a new version and
#      a CHANGELOG entry, every internal dependency range still matches, no package jumps a major by accident.
#   2. build every public package (turbo, tsup), unless --no-build.
#   3. for every public package under packages/: `npm publish --dry-run` and the tarball's contents (exports present,
#      no test files, imports declared as dependencies);
#   4./5. publint --strict and are-the-types-wrong (ESM-only profile), unless --no-lint (tooling/consumer-test runs
#      the same two on the packed tarballs, so CI can skip them here).
# Nothing is published and the working tree is not changed (beyond the build output in packages/*/dist).
#
# Usage: tooling/release/check-release.sh [--no-build] [--no-lint]
# Exits 0 when every check passes; otherwise lists what failed and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

build=1
lint=1
for argument in "$@"; do
  case "$argument" in
    --no-build) build=0 ;;
    --no-lint) lint=0 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $argument (see --help)" >&2; exit 2 ;;
  esac
done

failures=()
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; failures+=("$*"); }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/tame-release-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

step "1. changeset version (dry run on a scratch copy of the manifests and .changeset/)"
if ! node tooling/release/check-changeset-version.mjs; then
  fail "changeset version dry run"
fi

step "2. build the public packages (npx turbo run build --filter=./packages/*)"
if [ "$build" -eq 1 ]; then
  if ! npx turbo run build --filter='./packages/*' --output-logs=errors-only; then
    fail "build"
  fi
else
  echo "skipped (--no-build): using the dist/ folders as they are"
fi

# The public packages: packages/* whose package.json is not private.
public_packages=()
for manifest in packages/*/package.json; do
  directory=$(dirname "$manifest")
  if [ "$(node -p "Boolean(require('./$manifest').private)")" = "false" ]; then
    public_packages+=("$directory")
  fi
done
echo "public packages: ${public_packages[*]}"

step "3. npm publish --dry-run and the tarball's contents, per public package"
for directory in "${public_packages[@]}"; do
  name=$(node -p "require('./$directory/package.json').name")
  report="$scratch/$(basename "$directory").publish.json"
  if ! (cd "$directory" && npm publish --dry-run --json --ignore-scripts >"$report" 2>"$report.log"); then
    cat "$report.log" >&2
    fail "npm publish --dry-run $name"
    continue
  fi
  if ! node tooling/release/check-package-contents.mjs "$directory" "$report"; then
    fail "tarball contents of $name"
  fi
done

if [ "$lint" -eq 0 ]; then
  public_packages_to_lint=()
  step "4./5. publint and attw skipped (--no-lint)"
else
  public_packages_to_lint=("${public_packages[@]}")
  step "4. publint --strict, per public package"
fi
for directory in "${public_packages_to_lint[@]}"; do
  if ! output=$(npx publint "$directory" --strict 2>&1); then
    printf '%s\n' "$output" >&2
    fail "publint $directory"
  else
    printf '  %s: %s\n' "$directory" "$(printf '%s' "$output" | tail -n 1)"
  fi
done

[ "$lint" -eq 1 ] && step "5. are-the-types-wrong (ESM-only profile: node16 from ESM and bundler), per public package"
for directory in "${public_packages_to_lint[@]}"; do
  if ! output=$(npx attw --pack "$directory" --profile esm-only --format table-flipped 2>&1); then
    printf '%s\n' "$output" >&2
    fail "attw $directory"
  else
    printf '  %s: no problems\n' "$directory"
  fi
done

step "summary"
if [ ${#failures[@]} -gt 0 ]; then
  echo "release checks FAILED (${#failures[@]}):"
  for failure in "${failures[@]}"; do echo "  - $failure"; done
  exit 1
fi
echo "release checks passed: ${#public_packages[@]} public packages ready for changeset version and publish."
