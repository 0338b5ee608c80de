#!/usr/bin/env bash
# Chart checks that need only helm (the full checks, with Kubernetes schema validation and the
# policy rules, are scripts/chart/chart.spec.ts in the unit tests): strict lint with test secrets,
# with the example production values and with the k8s/ values, then k8s/ against a fresh render.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
helm="$(bash scripts/chart/helm.sh)"
chart=helm/sluice
"$helm" lint --strict "$chart" -f scripts/chart/test-values.yaml
"$helm" lint --strict "$chart" -f "$chart/values-production.example.yaml"
"$helm" lint --strict "$chart" -f "$chart/values-k8s.yaml"
bash scripts/chart/render-k8s.sh --check
