#!/usr/bin/env bash
# Makes the test-bed binaries available and prints the folder that holds them.
#
#   scripts/test-assets.sh [BINARY ...]   build what is missing of BINARY ... (default: all of them),
#                                         print the assets folder on stdout
#   scripts/test-assets.sh --path         print the assets folder only (builds nothing)
#
# BINARY is one of kube-apiserver, etcd, kubectl, kube-controller-manager, helm. The demo names the
# three it needs (`npm run demo` builds no helm and no kube-controller-manager); `npm test` and
# .ci/run name none, so they get everything.
#
# KUBEBUILDER_ASSETS (the envtest convention, e.g. from setup-envtest) wins for whatever it holds of
# kube-apiserver, etcd, kubectl and kube-controller-manager (setup-envtest ships the first three).
# The rest is built at the versions pinned in hack/testbins/versions.env from the Go module proxy
# into a cache folder outside the repo, once per version set. Binaries are never written into the
# repo. Go is needed only when something has to be built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../hack/testbins/versions.env
source "$root/hack/testbins/versions.env"

cache_root=${SCO_ASSETS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandbox-capacity-operator/assets}
assets="$cache_root/kubernetes-$KUBERNETES_VERSION-etcd-$ETCD_VERSION-helm-$HELM_VERSION"

if [[ "${1:-}" == "--path" ]]; then echo "$assets"; exit 0; fi

log() { echo "test-assets: $*" >&2; }

all_binaries=(kube-apiserver etcd kubectl kube-controller-manager helm)
kubernetes_binaries=(kube-apiserver kubectl kube-controller-manager)
wanted=("$@")
[[ ${#wanted[@]} -gt 0 ]] || wanted=("${all_binaries[@]}")
for bin in "${wanted[@]}"; do
  [[ " ${all_binaries[*]} " == *" $bin "* ]] || { log "unknown binary '$bin' (known: ${all_binaries[*]})"; exit 2; }
done

mkdir -p "$assets"
if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  for bin in kube-apiserver etcd kubectl kube-controller-manager; do
    if [[ -x "$KUBEBUILDER_ASSETS/$bin" ]]; then
      ln -sf "$KUBEBUILDER_ASSETS/$bin" "$assets/$bin"
      log "using $bin from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
    fi
  done
fi

missing=()
for bin in "${wanted[@]}"; do
  [[ -x "$assets/$bin" ]] || missing+=("$bin")
done
if [[ ${#missing[@]} -eq 0 ]]; then echo "$assets"; exit 0; fi

# --- from here on something must be built, so Go is needed ------------------------------------

go_hint="Install Go >= 1.24 (https://go.dev/dl/; Debian bookworm's golang-go is 1.19, too old) and put its bin \
folder on PATH, or set GO to its go binary."
if [[ -z "${KUBEBUILDER_ASSETS:-}" ]] && [[ " ${missing[*]} " =~ \ (kube-apiserver|etcd|kubectl)\  ]]; then
  go_hint+=" Or set KUBEBUILDER_ASSETS to a folder holding kube-apiserver, etcd and kubectl (setup-envtest)."
fi
if [[ -n "${GO:-}" ]]; then
  go_bin=$GO
elif command -v go >/dev/null; then
  go_bin=$(command -v go)
elif [[ -x /usr/local/go/bin/go ]]; then
  go_bin=/usr/local/go/bin/go   # where this project's machines have it, often not on PATH
else
  go_bin=
fi
if [[ -z "$go_bin" || ! -x "$go_bin" ]]; then
  log "Go is required to build ${missing[*]} (into $assets). $go_hint"
  exit 1
fi
export GOTOOLCHAIN=local GOFLAGS=-modcacherw CGO_ENABLED=0
go_version=$("$go_bin" env GOVERSION 2>/dev/null || true)   # e.g. go1.26.8
go_minor=${go_version#go1.}; go_minor=${go_minor%%[!0-9]*}
if [[ -z "$go_minor" || "$go_minor" -lt 24 ]]; then
  log "$go_bin is ${go_version:-of unknown version}; building ${missing[*]} needs Go >= 1.24. $go_hint"
  exit 1
fi

elapsed() { local s=$(( SECONDS - $1 )); printf '%dm%02ds' $(( s / 60 )) $(( s % 60 )); }

# Go prints nothing while it compiles, for minutes: a line every 30 s says which binary is being
# built and for how long, so a first run does not look hung.
ticker=
trap '[[ -z "$ticker" ]] || kill "$ticker" 2>/dev/null || true' EXIT
build_step() {
  local what=$1 expect=$2; shift 2
  local start=$SECONDS rc=0
  log "building $what ($expect)"
  ( while sleep 30 >/dev/null 2>&1; do log "  ... still building $what, $(elapsed "$start")"; done ) &
  ticker=$!
  "$@" || rc=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  ticker=
  if [[ $rc -ne 0 ]]; then log "building $what failed after $(elapsed "$start")"; exit "$rc"; fi
  log "built $what in $(elapsed "$start")"
}

# Same -X keys as k/k's hack/lib/version.sh: without them /version reports v0.0.0-master and helm,
# kubectl and charts' semverCompare misjudge the server.
kube_ldflags() {
  local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

# One go build for all missing Kubernetes binaries: they share most packages, compiled once.
build_kubernetes() {
  local pkgs=() bin
  for bin in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$bin"); done
  (cd "$root/hack/testbins/kubernetes" &&
    "$go_bin" build -trimpath -tags=grpcnotrace -ldflags="$(kube_ldflags)" -o "$assets/" "${pkgs[@]}")
}

build_etcd() {
  (cd "$root/hack/testbins/etcd" &&
    "$go_bin" build -trimpath -ldflags="-s -w" -o "$assets/etcd" go.etcd.io/etcd/server/v3)
}

build_helm() {
  local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local x="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  x+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
  x+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor"
  (cd "$root/hack/testbins/helm" &&
    "$go_bin" build -trimpath -ldflags="-s -w $x" -o "$assets/helm" helm.sh/helm/v3/cmd/helm)
}

is_missing() { [[ " ${missing[*]} " == *" $1 "* ]]; }

started=$SECONDS
# The expected durations are measured on this project's 2-core machine with empty Go caches, busy
# with other builds and test suites (load average 5 to 30); an idle machine is faster.
log "building ${missing[*]} with $go_version into $assets (once per version set)"
if is_missing etcd; then build_step "etcd $ETCD_VERSION" "cold, 2 busy cores: 1.5 to 15 min" build_etcd; fi
kube_missing=()
for bin in "${kubernetes_binaries[@]}"; do
  if is_missing "$bin"; then kube_missing+=("$bin"); fi
done
if [[ ${#kube_missing[@]} -gt 0 ]]; then
  build_step "${kube_missing[*]} $KUBERNETES_VERSION" "cold, 2 busy cores: 12 to 25 min" build_kubernetes "${kube_missing[@]}"
fi
if is_missing helm; then build_step "helm $HELM_VERSION" "cold, 2 busy cores: 3 to 7 min" build_helm; fi

for bin in "${wanted[@]}"; do
  [[ -x "$assets/$bin" ]] || { log "missing $assets/$bin after build"; exit 1; }
done
log "done in $(elapsed "$started")"
echo "$assets"
