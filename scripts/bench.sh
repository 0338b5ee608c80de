#!/usr/bin/env bash
# `npm run bench`: the same set-up as `npm test`, then every bench/*.bench.cjs in turn.
# Each benchmark prints JSON lines on stdout; set-up messages go to stderr.
source "$(dirname "$0")/lib/setup.sh"
sluice_setup >&2
status=0
for bench in bench/*.bench.cjs; do
  node "$bench" || status=1
done
exit $status
