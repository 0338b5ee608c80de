#!/usr/bin/env bash
# Sourced after env.sh: makes PostgreSQL, Redis and NATS (JetStream) answer at the configured URLs.
# A server that already answers is used as it is. A local one that does not is installed from the
# distribution's packages (needs root and apt) and started. Remote URLs are never touched.

sluice_url_host() { local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; echo "${rest%:*}"; }
sluice_url_port() { local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; [[ "$rest" == *:* ]] && echo "${rest##*:}" || echo "$2"; }
sluice_is_local() { [[ "$1" == 127.* || "$1" == localhost || "$1" == "::1" ]]; }
sluice_port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

sluice_wait_port() {
  local i
  for ((i = 0; i < 60; i++)); do sluice_port_open "$1" "$2" && return 0; sleep 0.5; done
  echo "sluice: nothing answers on $1:$2 after 30 s" >&2
  return 1
}

sluice_apt_install() {
  if [[ "$(id -u)" != 0 ]]; then
    echo "sluice: $* missing and not root; install it or set the URL of a running server in .env" >&2
    return 1
  fi
  if [[ -z "${SLUICE_APT_UPDATED:-}" ]]; then apt-get update -qq >/dev/null && SLUICE_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

sluice_ensure_postgres() {
  local host port
  host="$(sluice_url_host "$DATABASE_URL")"; port="$(sluice_url_port "$DATABASE_URL" 5432)"
  if ! sluice_port_open "$host" "$port"; then
    sluice_is_local "$host" || { echo "sluice: PostgreSQL at $host:$port does not answer" >&2; return 1; }
    command -v pg_ctlcluster >/dev/null || sluice_apt_install postgresql || return 1
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    echo "sluice: starting PostgreSQL $version" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || return 1
    sluice_wait_port "$host" "$port" || return 1
  fi
  # Local server we administer: make sure the role and database in DATABASE_URL exist.
  sluice_is_local "$host" && [[ "$(id -u)" == 0 ]] && command -v runuser >/dev/null || return 0
  node "$sluice_root/scripts/pg-bootstrap.mjs" | runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$port" >/dev/null
}

sluice_ensure_redis() {
  local host port
  host="$(sluice_url_host "$REDIS_URL")"; port="$(sluice_url_port "$REDIS_URL" 6379)"
  sluice_port_open "$host" "$port" && return 0
  sluice_is_local "$host" || { echo "sluice: Redis at $host:$port does not answer" >&2; return 1; }
  command -v redis-server >/dev/null || sluice_apt_install redis-server || return 1
  echo "sluice: starting Redis on $port" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir /tmp --logfile "/tmp/sluice-redis-$port.log" || return 1
  sluice_wait_port "$host" "$port"
}

sluice_ensure_nats() {
  local host port
  host="$(sluice_url_host "$NATS_URL")"; port="$(sluice_url_port "$NATS_URL" 4222)"
  sluice_port_open "$host" "$port" && return 0
  sluice_is_local "$host" || { echo "sluice: NATS at $host:$port does not answer" >&2; return 1; }
  command -v nats-server >/dev/null || [[ -x /usr/sbin/nats-server ]] || sluice_apt_install nats-server || return 1
  local bin dir
  bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
  dir="${SLUICE_NATS_STORE:-/var/lib/sluice-nats}"
  mkdir -p "$dir"
  echo "sluice: starting NATS with JetStream on $port" >&2
  nohup "$bin" -a 127.0.0.1 -p "$port" -js -sd "$dir" >"/tmp/sluice-nats-$port.log" 2>&1 &
  disown || true
  sluice_wait_port "$host" "$port"
}

# The outage tests start and stop a redis-server of their own, whatever REDIS_URL points at.
sluice_ensure_redis_binary() {
  command -v redis-server >/dev/null || sluice_apt_install redis-server
}

sluice_ensure_infra() {
  sluice_ensure_postgres || return 1
  sluice_ensure_redis || return 1
  sluice_ensure_nats || return 1
}
