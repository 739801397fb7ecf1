#!/usr/bin/env bash
# jaeger-build.sh: build the Jaeger v2 binary (cmd/jaeger) from the Go module proxy, once.
#
# Jaeger is on neither npm nor Debian, so we build it with Go into ~/.cache/mediamesh/bin/jaeger.
# The pinned module version is the last v1.x tag of github.com/jaegertracing/jaeger (v1.76.0), whose
# cmd/jaeger is the OTel-collector based Jaeger v2 (released together with v2.13.0).
#
# Idempotent: when the binary exists and its embedded module version (`go version -m`) matches the
# pin, it exits at once. A failed build prints the last lines of the Go output and exits non-zero.
# Env: MEDIAMESH_CACHE (default ~/.cache/mediamesh), JAEGER_MODULE_VERSION (default v1.76.0).
set -euo pipefail

version=${JAEGER_MODULE_VERSION:-v1.76.0}
module=github.com/jaegertracing/jaeger
cache=${MEDIAMESH_CACHE:-$HOME/.cache/mediamesh}
src=$cache/jaeger-src
bin=$cache/bin/jaeger
log=$cache/jaeger-build.log

say() { printf 'jaeger-build: %s\n' "$*"; }

built_version() {
  # `go version -m` reads the build info embedded in the binary: "mod <module> <version> <sum>".
  go version -m "$1" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }'
}

if ! command -v go >/dev/null 2>&1; then
  say "go is not installed: install Go >= 1.21 (the toolchain Jaeger needs is then fetched from the Go proxy)"
  exit 1
fi

if [[ -x $bin && $(built_version "$bin") == "$version" ]]; then
  say "up to date: $bin ($module $version)"
  exit 0
fi

# Another build (another engineer, a parallel setup run) may be running: wait for it instead of racing.
mkdir -p "$cache/bin" "$src"
exec 9>"$cache/jaeger-build.lock"
if ! flock -n 9; then
  say "another build holds $cache/jaeger-build.lock; waiting for it"
  flock 9
  if [[ -x $bin && $(built_version "$bin") == "$version" ]]; then
    say "up to date: $bin ($module $version)"
    exit 0
  fi
fi

say "building $module/cmd/jaeger@$version into $bin (first time: several minutes; log in $log)"
start=$(date +%s)
cd "$src"
# GOTOOLCHAIN=auto lets an older go fetch the toolchain Jaeger's go.mod asks for (a Go module, from the proxy).
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto} GOFLAGS=${GOFLAGS:--mod=mod}
# Chained with && because `set -e` does not apply inside a list that ends in `||`.
{
  { [[ -f go.mod ]] || go mod init mediamesh-jaeger-tool; } &&
    go get -tool "$module/cmd/jaeger@$version" &&
    go build -trimpath -o "$bin.tmp" "$module/cmd/jaeger"
} >"$log" 2>&1 || {
  rc=$?
  say "FAILED (exit $rc). Last lines of $log:"
  tail -n 25 "$log" | sed 's/^/  | /'
  rm -f "$bin.tmp"
  exit "$rc"
}
mv -f "$bin.tmp" "$bin"
got=$(built_version "$bin")
if [[ $got != "$version" ]]; then
  say "FAILED: built binary reports $module ${got:-<no build info>}, expected $version"
  exit 1
fi
say "built $bin ($module $version) in $(($(date +%s) - start)) s"
