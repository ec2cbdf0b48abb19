#!/usr/bin/env bash
# The whole jest suite and the README's synth command on the Node.js versions the package supports
# besides the machine's (which .ci/run has already used): 22 (maintenance LTS) and 24 (active LTS).
# Each comes from the `node` package on the npm registry (`npx -p node@N`), nothing downloaded from
# elsewhere; `npx -p` puts that Node first on PATH, so npm, jest, its workers and the processes the
# tests start all run on it. The installed node_modules serve every version (no native addon is built
# for one Node ABI), so there is no second `npm ci`.
# Usage: scripts/check-node-versions.sh [MAJOR...]   (default: 22 24)
set -euo pipefail
cd "$(dirname "$0")/.."

majors=("$@")
[ "${#majors[@]}" -gt 0 ] || majors=(22 24)
for major in "${majors[@]}"; do
  start=$SECONDS
  on=(npx --yes --package "node@$major" --)
  version="$("${on[@]}" node --version)"
  case "$version" in
    "v$major".*) ;;
    *) echo "== node $major: got $version from the npm registry's node@$major" >&2; exit 1 ;;
  esac
  echo "== node $version: npm test"
  "${on[@]}" npm test
  echo "== node $version: cdk synth (the example app, no AWS credentials)"
  "${on[@]}" npx cdk synth --quiet
  echo "== node $version: $((SECONDS - start)) s"
done
