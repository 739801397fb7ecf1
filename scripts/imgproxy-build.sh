#!/usr/bin/env bash
# imgproxy-build.sh: build imgproxy (the anchor bench/vs-imgproxy.ts compares against) once, into
# ~/.cache/mediamesh/bin/imgproxy, from the Go module proxy on Debian's libvips (libvips-dev).
#
# Not part of setup: only the benchmark needs it. The proxy serves github.com/imgproxy/imgproxy/v3 at
# v3.31.4; `go install …@v3.31.4` refuses the module because its go.mod has a `replace`, so the module is
# downloaded, copied to a writable folder and built there with cgo (~5-7 min on 2 cores).
# Idempotent: exits at once when the binary reports the pinned version. Installs libvips-dev with
# apt-get when missing and running as root; otherwise prints the command and exits 1.
# Env: MEDIAMESH_CACHE (default ~/.cache/mediamesh), IMGPROXY_MODULE_VERSION (default v3.31.4).
set -euo pipefail

version=${IMGPROXY_MODULE_VERSION:-v3.31.4}
module=github.com/imgproxy/imgproxy/v3
cache=${MEDIAMESH_CACHE:-$HOME/.cache/mediamesh}
src=$cache/imgproxy-src
bin=$cache/bin/imgproxy
log=$cache/imgproxy-build.log

say() { printf 'imgproxy-build: %s\n' "$*"; }

if [[ -x $bin && $("$bin" version 2>/dev/null) == "${version#v}" ]]; then
  say "up to date: $bin ($version)"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  say "go is not installed: install Go >= 1.21 (the toolchain imgproxy needs is then fetched from the Go proxy)"
  exit 1
fi
if ! pkg-config --exists vips 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing libvips-dev with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends libvips-dev pkg-config >/dev/null
  else
    say "libvips-dev is missing: sudo apt-get install -y --no-install-recommends libvips-dev pkg-config"
    exit 1
  fi
fi

mkdir -p "$cache/bin"
exec 9>"$cache/imgproxy-build.lock"
flock 9
if [[ -x $bin && $("$bin" version 2>/dev/null) == "${version#v}" ]]; then
  say "up to date: $bin ($version)"
  exit 0
fi

say "building $module@$version on libvips $(pkg-config --modversion vips) into $bin (first time: several minutes; log in $log)"
start=$(date +%s)
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto} GOFLAGS=-mod=mod CGO_ENABLED=1
{
  dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') &&
    [[ -n $dir ]] &&
    rm -rf "$src" && cp -r "$dir" "$src" && chmod -R u+w "$src" &&
    (cd "$src" && go build -trimpath -o "$bin.tmp" .)
} >"$log" 2>&1 || {
  rc=$?
  say "FAILED (exit $rc). Last lines of $log:"
  tail -n 25 "$log" | sed 's/^/  | /'
  rm -f "$bin.tmp"
  exit "$rc"
}
mv -f "$bin.tmp" "$bin"
rm -rf "$src"
say "built $bin ($("$bin" version)) in $(($(date +%s) - start)) s"
