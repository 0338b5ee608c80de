#!/usr/bin/env bash
# Sourced: makes sure .env exists and holds every local setting (random secrets, never committed),
# adding any that a newer version needs, then exports it. Values already set in the environment
# win over .env, so operators can point at their own servers.
sluice_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

sluice_random() { head -c 96 /dev/urandom | base64 | tr -d '/+=\n' | head -c "${1:-48}"; }

# name=value lines for every setting .env must have; values are generated only when missing.
sluice_env_defaults() {
  echo "DATABASE_URL=postgresql://sluice:$(sluice_random 32)@127.0.0.1:5432/sluice"
  echo "REDIS_URL=redis://127.0.0.1:6379"
  echo "NATS_URL=nats://127.0.0.1:4222"
  echo "SLUICE_INTERNAL_TOKEN=$(sluice_random 48)"
  echo "SLUICE_JWT_KEYS=k1:$(sluice_random 64)"
  echo "SLUICE_API_KEY_PEPPER=$(sluice_random 48)"
}

sluice_ensure_env() {
  local file="$sluice_root/.env" line key added=0
  if [[ ! -f "$file" ]]; then
    (umask 077 && echo "# Local settings written by the set-up scripts. Random secrets; never commit this file." >"$file")
  fi
  while IFS= read -r line; do
    key="${line%%=*}"
    if ! grep -q "^${key}=" "$file"; then echo "$line" >>"$file"; added=1; fi
  done < <(sluice_env_defaults)
  [[ $added == 1 ]] && echo "sluice: added fresh local settings to .env" >&2
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    key="${line%%=*}"
    if [[ -z "${!key+x}" ]]; then export "$line"; fi
  done <"$file"
}

sluice_ensure_env
