#!/usr/bin/env bash
# Breaking-change detection of proto/ against the main branch (works in a fresh clone:
# the comparison reads main from the local .git). Skips with a message when no main ref exists yet.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git rev-parse --verify -q main >/dev/null; then
  echo "buf breaking: no local 'main' ref; nothing to compare against"
  exit 0
fi
if ! git cat-file -e main:proto 2>/dev/null; then
  echo "buf breaking: main has no proto/ yet"
  exit 0
fi
node_modules/.bin/buf breaking --against ".git#branch=main,subdir=proto"
echo "buf breaking: no breaking changes against main"
