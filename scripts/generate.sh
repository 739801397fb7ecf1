#!/usr/bin/env bash
# Regenerates generated/ from proto/ with ts-proto (via buf).
#   scripts/generate.sh          write generated/
#   scripts/generate.sh --check  fail when generated/ differs from what proto/ gives
set -euo pipefail
cd "$(dirname "$0")/.."
buf=node_modules/.bin/buf
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$buf" lint
"$buf" generate --output "$out"
{
  echo "# generated/: ts-proto output of proto/ (buf.gen.yaml). Never edit by hand:"
  echo "# run \`npm run generate\`. \`npm test\` fails when this folder is stale."
} > "$out/generated/README.md"
if [[ "${1:-}" == "--check" ]]; then
  if ! diff -r -q "$out/generated" generated >/dev/null 2>&1; then
    diff -r "$out/generated" generated | head -40 >&2 || true
    echo "generated/ is stale: proto/ changed without regeneration. Run: npm run generate" >&2
    exit 1
  fi
  echo "generated/ is up to date"
else
  rm -rf generated
  cp -r "$out/generated" generated
  echo "generated/ written"
fi
