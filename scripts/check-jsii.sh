#!/usr/bin/env bash
# The jsii build (issue 17): `npm run build:jsii` with zero errors and no warning outside the
# justified list below, then `jsii-pacmak --targets python --code-only` and a check that the
# generated Python module defines every type of the assembly, the main constructs first.
# Needs no Python packaging toolchain (code only); python3 parses the result.
# Usage: scripts/check-jsii.sh [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1
# jsii's banner about Node 20's end of life (one screen per run); the build itself works on Node 20.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

# Warnings that are known and justified, as `<code> <file> "<name>"`. Each was checked in the code
# jsii-pacmak generates for Python, Java, .NET and Go:
# - UserAuthentication.type: `type` is a Go keyword, but Go bindings capitalise members (`Type()`);
#   Python, Java and .NET take `type` as a member name. Renaming it would break every user of 0.1 for
#   no gain in any language.
# - EvictionPolicy.unchecked(): `unchecked` is a C# keyword, but .NET bindings capitalise methods
#   (`EvictionPolicy.Unchecked(...)`); the other languages take it as is.
ALLOWED=(
  'JSII5018 lib/user.ts "type"'
  'JSII5018 lib/parameter-group.ts "unchecked"'
)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk-elasticache-jsii.XXXXXX")"
cleanup() { if [ "$KEEP" -eq 1 ]; then echo "== jsii: work directory kept: $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
fail() { echo "== jsii: FAILED: $*" >&2; exit 1; }

echo "== jsii: npm run build:jsii"
set +e
npm run --silent build:jsii > "$WORK/jsii.log" 2>&1
code=$?
set -e
sed 's/\x1b\[[0-9;]*m//g' "$WORK/jsii.log" > "$WORK/jsii.txt"
grep -E ' - (error|warning) JSII[0-9]+|error TS[0-9]+' "$WORK/jsii.txt" >&2 || true
[ "$code" -eq 0 ] || fail "jsii exited $code ($(grep -E '^Errors: ' "$WORK/jsii.txt" || tail -1 "$WORK/jsii.txt"))"
# `lib/user.ts:79:19 - warning JSII5018: "type" is a reserved word ...` -> `JSII5018 lib/user.ts "type"`
sed -nE 's/^([^:]+):[0-9]+:[0-9]+ - warning (JSII[0-9]+): ("[^"]*")?.*/\2 \1 \3/p' "$WORK/jsii.txt" | sed 's/ *$//' | sort -u > "$WORK/warnings.txt"
printf '%s\n' "${ALLOWED[@]}" | sort -u > "$WORK/allowed.txt"
unexpected="$(comm -23 "$WORK/warnings.txt" "$WORK/allowed.txt")"
stale="$(comm -13 "$WORK/warnings.txt" "$WORK/allowed.txt")"
[ -z "$unexpected" ] || fail "jsii warnings that are neither fixed nor justified in scripts/check-jsii.sh: $(tr '\n' ';' <<<"$unexpected")"
[ -z "$stale" ] || fail "justified warnings jsii no longer reports (remove them from ALLOWED): $(tr '\n' ';' <<<"$stale")"
[ -f .jsii ] || fail "jsii wrote no .jsii assembly"
echo "== jsii: $(grep -E '^Errors: ' "$WORK/jsii.txt" || echo 'built'), the warnings all justified; $(node -p "Object.keys(JSON.parse(require('fs').readFileSync('.jsii', 'utf8')).types).length") types in .jsii"

echo "== jsii: jsii-pacmak --targets python --code-only"
npx --no-install jsii-pacmak --targets python --code-only --outdir "$WORK/dist" > "$WORK/pacmak.log" 2>&1 || { cat "$WORK/pacmak.log" >&2; fail "jsii-pacmak"; }
python3 scripts/check-jsii-python.py .jsii "$WORK/dist/python" || fail "the generated Python module"
echo "== jsii: ok"
