#!/usr/bin/env bash
# cfn-lint over the five templates of the global datastore's acceptance app
# (test/global-datastore/app.ts: a Valkey datastore, primary in eu-west-1, secondaries in us-east-1
# and ap-southeast-1, a consumer in each Region), with the rules of scripts/cfn-lint.sh. Kept out of
# the jest suite: cfn-lint takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(mktemp -d "${TMPDIR:-/tmp}/cdk-elasticache-global.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
npx tsx test/global-datastore/app.ts "$OUT"
templates=("$OUT"/*.template.json)
[ "${#templates[@]}" -eq 5 ] || { echo "== expected 5 templates, got ${#templates[@]}" >&2; exit 1; }
exec scripts/cfn-lint.sh "${templates[@]}"
