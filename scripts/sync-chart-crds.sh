#!/usr/bin/env bash
# Copies the CRDs of crds/ (the one source of truth) into the Helm chart's crds/ folder, byte for
# byte, and removes chart CRDs that no longer exist in crds/. Helm does not follow symlinks out of
# a chart reliably (helm package drops them), hence a copy; test/unit/packaging/chart-crds.test.ts
# fails when the two folders differ.
#
#   scripts/sync-chart-crds.sh           copy
#   scripts/sync-chart-crds.sh --check   exit 1 (listing the differences) when out of date
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$root/crds"
dst="$root/deploy/helm/sandbox-capacity-operator/crds"

if [[ "${1:-}" == "--check" ]]; then
  diff -r "$src" "$dst" && echo "chart CRDs are in sync with crds/"
  exit
fi

mkdir -p "$dst"
for stale in "$dst"/*.yaml; do
  [[ -e "$stale" ]] || continue
  [[ -e "$src/$(basename "$stale")" ]] || { rm -- "$stale"; echo "removed $(basename "$stale")"; }
done
for crd in "$src"/*.yaml; do
  if ! cmp -s "$crd" "$dst/$(basename "$crd")"; then
    cp -- "$crd" "$dst/"
    echo "copied $(basename "$crd")"
  fi
done
