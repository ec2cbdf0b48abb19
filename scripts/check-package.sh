#!/usr/bin/env bash
# The package a user installs: `npm pack`, then install the tarball into a fresh CDK app laid out by
# `cdk init app --language typescript`, write the README's quick-start into it, type-check and
# `cdk synth` it, and run the `cdk-elasticache` command and the runtime entry points from that
# install. A file missing from `files`, a wrong `exports` / `types` path or a runtime dependency on a
# dev dependency fails here (they pass every in-repo test, which runs against lib/).
#
# Needs the npm registry for package metadata (the tarballs come from the npm cache when they are
# there). The app's toolchain (tsc, tsx, @types) is the project's, used from outside the app, so the
# app's node_modules holds only what a user's `npm install cdk-elasticache` brings.
# Usage: scripts/check-package.sh [--keep]   (--keep leaves the work directory for a look)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="$ROOT/node_modules/.bin"
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk-elasticache-package.XXXXXX")"
cleanup() { if [ "$KEEP" -eq 1 ]; then echo "== package: work directory kept: $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
fail() { echo "== package: FAILED: $*" >&2; exit 1; }
step() { echo "== package ($((SECONDS))s): $*"; }

version_of() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
NAME="$(node -p "require('./package.json').name")"
VERSION="$(node -p "require('./package.json').version")"

step "npm pack (runs the prepare script: npm run build)"
npm pack --pack-destination "$WORK" --silent >/dev/null
TARBALL="$WORK/$NAME-$VERSION.tgz"
[ -f "$TARBALL" ] || fail "npm pack made no $TARBALL"
tar -tzf "$TARBALL" | sed 's|^package/||' | sort > "$WORK/files.txt"
# The jsii assembly (Construct Hub and the other languages read it): written by `npm run build:jsii`.
if node -e 'process.exit(require("./package.json").jsii ? 0 : 1)'; then
  grep -qxF .jsii "$WORK/files.txt" || fail "the tarball has no .jsii: run 'npm run build:jsii' (scripts/check-jsii.sh) before packing"
fi
for f in package.json README.md dist/lib/index.js dist/lib/index.d.ts dist/lib/ops/index.js dist/lib/ops/index.d.ts dist/bin/cli.js; do
  grep -qxF "$f" "$WORK/files.txt" || fail "the tarball has no $f"
done
# Every path package.json points at (main, types, bin, exports, typesVersions) is in the tarball.
node -e '
  const pkg = require("./package.json");
  const files = new Set(require("fs").readFileSync(process.argv[1], "utf8").split("\n"));
  const paths = [pkg.main, pkg.types, ...Object.values(pkg.bin || {})];
  const walk = v => typeof v === "string" ? paths.push(v) : Object.values(v || {}).forEach(walk);
  walk(pkg.exports);
  walk(pkg.typesVersions);
  const missing = paths.map(p => p.replace(/^\.\//, "")).filter(p => !files.has(p));
  if (missing.length) { console.error(`package.json points at files the tarball lacks: ${missing.join(", ")}`); process.exit(1); }
' "$WORK/files.txt" || fail "see above"
# Files of lib/ that are not TypeScript (the rotation function's handler, ...) are assets the
# constructs read at synth time: the build copies them to dist/lib/, and the tarball must have them.
while IFS= read -r asset; do
  grep -qxF "dist/$asset" "$WORK/files.txt" || fail "the tarball has no dist/$asset (an asset of $asset: see the build script and 'files')"
done < <(git ls-files lib | grep -v '\.ts$' || true)
if grep -E '^(lib|bin|test|bench|examples)/|\.test\.|^dist/test/|\.ts$' "$WORK/files.txt" | grep -v '\.d\.ts$' >/dev/null; then
  fail "the tarball ships sources or tests: $(grep -E '^(lib|bin|test|bench|examples)/|\.test\.|^dist/test/|\.ts$' "$WORK/files.txt" | grep -v '\.d\.ts$' | head -5 | tr '\n' ' ')"
fi
echo "== package: $(wc -l < "$WORK/files.txt") files, $(du -k "$TARBALL" | cut -f1) kB"

step "a fresh app (cdk init app --language typescript)"
APP="$WORK/app"
mkdir "$APP"
(cd "$APP" && "$BIN/cdk" init app --language typescript --generate-only >"$WORK/init.log" 2>&1) || { cat "$WORK/init.log" >&2; fail "cdk init"; }
[ -f "$APP/bin/app.ts" ] && [ -f "$APP/cdk.json" ] || fail "cdk init made no bin/app.ts / cdk.json"
# The app depends on aws-cdk-lib and constructs (the versions this project is built against) and
# cdk-elasticache; its devDependencies (the toolchain) are left out, they are the project's here.
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  delete pkg.devDependencies;
  pkg.dependencies = { "aws-cdk-lib": process.argv[2], "constructs": process.argv[3] };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$APP/package.json" "$(version_of aws-cdk-lib)" "$(version_of constructs)"
(cd "$APP" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$TARBALL" >/dev/null) || fail "npm install of the tarball"
[ -d "$APP/node_modules/$NAME/dist" ] || fail "the installed package has no dist/"

step "the README's quick-start as the app's bin/app.ts"
# The ```ts block right after the '<!-- package-check: bin/app.ts -->' marker in README.md.
node -e '
  const lines = require("fs").readFileSync("README.md", "utf8").split("\n");
  const at = lines.findIndex(l => l.trim() === "<!-- package-check: bin/app.ts -->");
  if (at < 0 || lines[at + 1] !== "```ts") { console.error("README.md has no ```ts block after <!-- package-check: bin/app.ts -->"); process.exit(1); }
  const end = lines.indexOf("```", at + 2);
  require("fs").writeFileSync(process.argv[1], lines.slice(at + 2, end).join("\n") + "\n");
' "$APP/bin/app.ts" || fail "see above"
rm -f "$APP/lib/app-stack.ts" "$APP"/test/*.ts
# The runtime entry points, typed as a TypeScript user imports them (exports' "types" conditions).
mkdir -p "$APP/check"
cat > "$APP/check/entry-points.ts" <<'EOF'
import { cacheIdProblem, describeCache } from 'cdk-elasticache/ops';
export const problem: string | undefined = cacheIdProblem('cache', 'my-cache');
export const describe: typeof describeCache = describeCache;
EOF
if node -e 'process.exit(require("./package.json").exports["./client"] ? 0 : 1)'; then
  echo "import * as client from 'cdk-elasticache/client';" >> "$APP/check/entry-points.ts"
  echo "export const clientExports: string[] = Object.keys(client);" >> "$APP/check/entry-points.ts"
fi
(cd "$APP" && "$BIN/tsc" -p tsconfig.json --typeRoots "$ROOT/node_modules/@types") || fail "the app does not type-check against the installed package"

step "cdk synth"
(cd "$APP" && CDK_DISABLE_VERSION_CHECK=1 "$BIN/cdk" synth --quiet --no-notices --app "$BIN/tsx bin/app.ts" >/dev/null) || fail "cdk synth of the app"
node -e '
  const fs = require("fs");
  const dir = process.argv[1];
  const templates = fs.readdirSync(dir).filter(f => f.endsWith(".template.json"));
  const types = templates.flatMap(f => Object.values(JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")).Resources || {}).map(r => r.Type));
  for (const t of ["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::SubnetGroup", "AWS::ElastiCache::User"]) {
    if (!types.includes(t)) { console.error(`no ${t} in ${templates.join(", ")}`); process.exit(1); }
  }
  console.log(`== package: synthesized ${templates.join(", ")} (${types.length} resources)`);
' "$APP/cdk.out" || fail "see above"

step "the cdk-elasticache command and the runtime entry points, from the install"
CLI="$APP/node_modules/.bin/cdk-elasticache"
[ -x "$CLI" ] || fail "no executable node_modules/.bin/cdk-elasticache"
out="$(cd "$APP" && "$CLI" --version)" || fail "cdk-elasticache --version exited $?"
[ "$out" = "cdk-elasticache $VERSION" ] || fail "cdk-elasticache --version printed '$out', expected 'cdk-elasticache $VERSION'"
out="$(cd "$APP" && "$CLI" --help)" || fail "cdk-elasticache --help exited $?"
grep -q '^Usage: cdk-elasticache' <<<"$out" || fail "cdk-elasticache --help printed no usage"
set +e
out="$(cd "$APP" && "$CLI" describe 'bad--id' 2>&1)"
code=$?
set -e
[ "$code" -eq 2 ] && grep -q '^Invalid cache id' <<<"$out" || fail "cdk-elasticache describe bad--id: exit $code, '$out' (expected exit 2 and the id rule)"
# Runtime code loads without aws-cdk-lib: the entry points are required with aws-cdk-lib hidden.
(cd "$APP" && node -e '
  const Module = require("module");
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (/^(aws-cdk-lib|constructs)(\/|$)/.test(request)) { throw new Error(`runtime code required ${request}`); }
    return load.call(this, request, ...rest);
  };
  const entries = ["cdk-elasticache/ops", ...(require("cdk-elasticache/package.json").exports["./client"] ? ["cdk-elasticache/client"] : [])];
  for (const e of entries) {
    const m = require(e);
    if (Object.keys(m).length === 0) { throw new Error(`${e} exports nothing`); }
    console.log(`== package: require("${e}"): ${Object.keys(m).length} exports`);
  }
  require("cdk-elasticache/package.json");
') || fail "a runtime entry point does not load from the install (or needs aws-cdk-lib)"
(cd "$APP" && node -e 'const m = require("cdk-elasticache"); if (typeof m.ReplicationGroup !== "function") { process.exit(1); }') \
  || fail "require('cdk-elasticache') has no ReplicationGroup"
echo "== package: ok (${SECONDS}s)"
