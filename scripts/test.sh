#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start`, then lint, type-check, unit, integration and
# end-to-end tests. Leaves no process behind. `.ci/run` calls exactly this.
source "$(dirname "$0")/lib/setup.sh"
sluice_setup
sluice_ensure_redis_binary

results="$sluice_root/.jest-results"
rm -rf "$results" && mkdir -p "$results"
status=0
run() {
  local name=$1; shift
  sluice_step "$name"
  if ! "$@"; then
    echo "sluice: $name failed" >&2
    status=1
  fi
}
jest_project() {
  npx jest --selectProjects "$1" --ci --json --outputFile="$results/$1.json" "${@:2}"
}

run "lint" npm run --silent lint
run "type-check" npx tsc -p tsconfig.json
run "unit tests" jest_project unit
run "integration tests (real PostgreSQL, Redis, NATS)" jest_project int --runInBand
run "end-to-end tests (all services as processes)" jest_project e2e --runInBand
node scripts/test-summary.cjs "$results" || status=1
exit $status
