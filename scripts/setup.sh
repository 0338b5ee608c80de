#!/usr/bin/env bash
# Prepares this machine: Node 24, dependencies, .env, PostgreSQL/Redis/NATS, build, migrations.
source "$(dirname "$0")/lib/setup.sh"
sluice_setup
