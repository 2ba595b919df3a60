#!/usr/bin/env bash
# Copies the CRDs of crds/ (the one source of truth), byte for byte, into both Helm charts:
#   deploy/helm/sandbox-capacity-operator/crds/           installed by Helm on first install only
#   deploy/helm/sandbox-capacity-operator-crd/templates/  the CRD chart: installed, upgraded and
#                                                          kept (resource-policy) like any object
# and removes chart CRDs that no longer exist in crds/. Helm does not follow symlinks out of a chart
# reliably (helm package drops them), hence copies; test/unit/packaging/chart-crds.test.ts fails
# when a copy differs. A CRD file must hold no "{{": the CRD chart renders it as a template.
#
#   scripts/sync-chart-crds.sh           copy
#   scripts/sync-chart-crds.sh --check   exit 1 (listing the differences) when out of date
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$root/crds"
targets=(
  "$root/deploy/helm/sandbox-capacity-operator/crds"
  "$root/deploy/helm/sandbox-capacity-operator-crd/templates"
)

if grep -l '{{' "$src"/*.yaml; then
  echo "the files above contain '{{', which the CRD chart would read as a template action" >&2
  exit 1
fi

if [[ "${1:-}" == "--check" ]]; then
  status=0
  for dst in "${targets[@]}"; do
    diff -r "$src" "$dst" || status=1
  done
  [[ $status -eq 0 ]] && echo "chart CRDs are in sync with crds/"
  exit $status
fi

for dst in "${targets[@]}"; do
  mkdir -p "$dst"
  for stale in "$dst"/*.yaml; do
    [[ -e "$stale" ]] || continue
    [[ -e "$src/$(basename "$stale")" ]] || { rm -- "$stale"; echo "removed ${stale#"$root"/}"; }
  done
  for crd in "$src"/*.yaml; do
    if ! cmp -s "$crd" "$dst/$(basename "$crd")"; then
      cp -- "$crd" "$dst/"
      echo "copied ${crd#"$root"/} to ${dst#"$root"/}/"
    fi
  done
done
