#!/usr/bin/env bash
# cfn-lint over every template the example app and the integ tests synthesize: the app's stacks
# (synthesized here, `cdk synth` into a temporary folder) and the integ tests' committed snapshots
# (`npm run integ` proves they are what the tests synthesize). Zero errors; a warning passes only if
# scripts/cfn-lint-allowed.txt lists it, with the reason (each comes from aws-cdk-lib itself).
# Usage: scripts/cfn-lint.sh [TEMPLATE...]   (default: the app's and the integ tests' templates)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cfn-lint >/dev/null || { echo "== cfn-lint: FAILED: cfn-lint is not installed" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk-elasticache-cfn-lint.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

templates=("$@")
if [ "${#templates[@]}" -eq 0 ]; then
  if ! npx cdk synth --quiet --output "$WORK/app" >"$WORK/synth.log" 2>&1; then
    cat "$WORK/synth.log" >&2
    echo "== cfn-lint: FAILED: cdk synth of the example app" >&2
    exit 1
  fi
  templates=("$WORK"/app/*.template.json test/integ/*.snapshot/*.template.json)
fi
echo "== cfn-lint $(cfn-lint --version | awk '{print $2}') over ${#templates[@]} templates"

# Exit code: a bit mask, 2 errors, 4 warnings, 8 informational; 1 means cfn-lint itself failed.
rc=0
cfn-lint --format parseable -- "${templates[@]}" >"$WORK/findings.txt" 2>"$WORK/stderr.txt" || rc=$?
if [ $((rc & 1)) -ne 0 ] || [ -s "$WORK/stderr.txt" ]; then
  cat "$WORK/stderr.txt" >&2
  echo "== cfn-lint: FAILED: cfn-lint did not run to the end (exit code $rc)" >&2
  exit 1
fi

# Each finding: file:line:column:end line:end column:rule:message.
allowed=0
unexpected=()
while IFS= read -r finding; do
  [ -n "$finding" ] || continue
  rule="$(cut -d: -f6 <<<"$finding")"
  message="$(cut -d: -f7- <<<"$finding")"
  ok=0
  if [[ "$rule" == W* ]]; then
    while read -r allowed_rule pattern; do
      if [ "$allowed_rule" = "$rule" ] && grep -Eq -- "$pattern" <<<"$message"; then
        ok=1
        break
      fi
    done < <(grep -Ev '^[[:space:]]*(#|$)' scripts/cfn-lint-allowed.txt)
  fi
  if [ "$ok" -eq 1 ]; then
    allowed=$((allowed + 1))
  else
    unexpected+=("${finding#"$WORK"/}")
  fi
done <"$WORK/findings.txt"

if [ "${#unexpected[@]}" -gt 0 ]; then
  printf '%s\n' "${unexpected[@]}" >&2
  echo "== cfn-lint: FAILED: ${#unexpected[@]} finding(s) above: fix them (an error always; a warning from aws-cdk-lib itself may be listed in scripts/cfn-lint-allowed.txt with the reason)" >&2
  exit 1
fi
echo "== cfn-lint: no errors, $allowed warning(s), all from aws-cdk-lib and listed in scripts/cfn-lint-allowed.txt"
