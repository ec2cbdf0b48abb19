#!/usr/bin/env bash
# aws-cdk-lib is a peer dependency (^2.276.0). `npm test` runs the suite on its minimum, the pinned
# dev dependency; this runs it on the newest aws-cdk-lib release of the npm registry, in a copy of the
# tracked files with its own node_modules (the checkout's lockfile and node_modules stay as they are).
# Usage: scripts/check-cdk-peer.sh [VERSION]   (default: the registry's latest)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
version="${1:-$(npm view aws-cdk-lib version)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cdk-elasticache-peer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$work"
cd "$work"
echo "== aws-cdk-lib $version (newest): npm ci, then aws-cdk-lib@$version over it"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
# The lockfile pins 2.276 for the dev dependencies that peer on it too (integ-tests-alpha, cdk-nag):
# a newer aws-cdk-lib satisfies their ranges, so only it is replaced.
npm install --no-save --no-audit --no-fund --loglevel=error "aws-cdk-lib@$version" >/dev/null
installed="$(node -p "require('aws-cdk-lib/package.json').version")"
[ "$installed" = "$version" ] || { echo "== aws-cdk-lib: asked for $version, got $installed" >&2; exit 1; }
echo "== aws-cdk-lib $installed: npm test"
npm test
echo "== aws-cdk-lib $installed: $((SECONDS - start)) s"
