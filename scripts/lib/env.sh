#!/usr/bin/env bash
# Sourced: makes sure .env exists (random local secrets, never committed) and exports it.
# Values already set in the environment win over .env, so operators can point at their own servers.
sluice_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

sluice_random() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c "${1:-48}"; }

sluice_ensure_env() {
  local file="$sluice_root/.env"
  if [[ ! -f "$file" ]]; then
    umask 077
    cat >"$file" <<ENV
# Local settings written by scripts/setup.sh on first run. Random secrets; never commit this file.
DATABASE_URL=postgresql://sluice:$(sluice_random 32)@127.0.0.1:5432/sluice
REDIS_URL=redis://127.0.0.1:6379
NATS_URL=nats://127.0.0.1:4222
SLUICE_INTERNAL_TOKEN=$(sluice_random 48)
ENV
    echo "sluice: wrote .env with fresh random secrets" >&2
  fi
  local line key
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    key="${line%%=*}"
    if [[ -z "${!key+x}" ]]; then export "$line"; fi
  done <"$file"
}

sluice_ensure_env
