#!/usr/bin/env bash
# `npm start`: set up whatever is missing, then run all eight services until Ctrl-C.
source "$(dirname "$0")/lib/setup.sh"
sluice_setup
exec node scripts/start.cjs
