#!/usr/bin/env bash
# `npm test`: build, contract checks, then every suite (unit + integration) with vitest.
# Ends with one line "<N> passed, <M> failed" and a non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
step() { printf '\n== %s\n' "$*"; }

step "proto lint + generated code up to date"
bash scripts/generate.sh --check || fail=1
step "proto breaking-change check against main"
bash scripts/buf-breaking.sh || fail=1
step "typecheck"
npx tsc --noEmit -p tsconfig.json || fail=1
step "build"
npx tsc -p tsconfig.build.json || fail=1

step "tests"
report=$(mktemp)
MALLOC_ARENA_MAX=2 npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
rc=$?
summary=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$report" 2>/dev/null || echo "0 passed, 1 failed")
rm -f "$report"
((rc == 0)) || fail=1
if ((fail)); then
  echo "some checks failed (see above)"
  # a failed check outside vitest counts as one failure in the closing line
  if [[ $summary =~ ^([0-9]+)\ passed,\ 0\ failed ]]; then summary="${BASH_REMATCH[1]} passed, 1 failed"; fi
  echo "$summary"
  exit 1
fi
echo "$summary"
