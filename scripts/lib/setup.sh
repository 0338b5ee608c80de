#!/usr/bin/env bash
# Sourced by start.sh and test.sh: everything a fresh machine needs, each step skipped when done.
set -euo pipefail
sluice_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$sluice_root"
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
source scripts/lib/node.sh

sluice_step() { printf '\033[1msluice: %s\033[0m\n' "$*" >&2; }

sluice_install() {
  local want have=""
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  [[ -f node_modules/.sluice-lock ]] && have="$(cat node_modules/.sluice-lock)"
  if [[ "$want" != "$have" ]]; then
    sluice_step "installing dependencies"
    # `npm install`, not `npm ci`: the lock file records only the platform packages (swc, buf, nx...)
    # that the registry had for this platform, and `npm ci` refuses a lock without the others.
    # With an unchanged package.json, `npm install` installs exactly the locked versions.
    npm install --no-audit --no-fund --loglevel=error
    echo "$want" >node_modules/.sluice-lock
  fi
}

# Runs a generator only when its inputs changed (a hash stamp beside its output).
sluice_generate() {
  local name=$1 stamp=$2 cmd=$3; shift 3
  local want have=""
  want="$(cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  [[ -f "$stamp" ]] && have="$(cat "$stamp")"
  if [[ "$want" != "$have" ]]; then
    sluice_step "generating $name"
    eval "$cmd"
    echo "$want" >"$stamp"
  fi
}

sluice_build() {
  sluice_generate "gRPC contracts" libs/contracts/src/generated/.stamp "npx buf generate" \
    buf.yaml buf.gen.yaml $(find proto -name '*.proto' | sort)
  sluice_generate "Prisma client" libs/database/src/generated/.stamp "npx prisma generate >/dev/null" \
    prisma/schema.prisma package-lock.json
  sluice_step "building (tsc -b)"
  npx tsc -b tsconfig.build.json
}

sluice_setup() {
  sluice_install
  source scripts/lib/env.sh
  source scripts/lib/infra.sh
  sluice_step "checking PostgreSQL, Redis and NATS"
  sluice_ensure_infra
  sluice_build
  sluice_step "migrating the database"
  npx prisma migrate deploy >/dev/null
}
