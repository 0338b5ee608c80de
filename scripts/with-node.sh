#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH and .env exported.
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
source "$(dirname "$0")/lib/env.sh"
exec "$@"
