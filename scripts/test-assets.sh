#!/usr/bin/env bash
# Makes kube-apiserver, etcd, kubectl and helm available for the test bed and prints the folder
# that holds them.
#
#   scripts/test-assets.sh          build what is missing, print the assets folder on stdout
#   scripts/test-assets.sh --path   print the assets folder only (builds nothing)
#
# KUBEBUILDER_ASSETS (the envtest convention, e.g. from setup-envtest) wins for kube-apiserver,
# etcd and kubectl; helm is then the only thing built. Otherwise pinned versions
# (hack/testbins/versions.env) are built from the Go module proxy into a cache folder outside
# the repo, once per version set. Binaries are never written into the repo.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../hack/testbins/versions.env
source "$root/hack/testbins/versions.env"

cache_root=${SCO_ASSETS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandbox-capacity-operator/assets}
assets="$cache_root/kubernetes-$KUBERNETES_VERSION-etcd-$ETCD_VERSION-helm-$HELM_VERSION"

if [[ "${1:-}" == "--path" ]]; then echo "$assets"; exit 0; fi

log() { echo "test-assets: $*" >&2; }

command -v go >/dev/null || { log "Go is required to build the test binaries (Go >= 1.24; this machine kind ships /usr/local/go)"; exit 1; }

export GOTOOLCHAIN=local GOFLAGS=-modcacherw CGO_ENABLED=0
mkdir -p "$assets"

link_from_kubebuilder_assets() {
  local bin
  for bin in kube-apiserver etcd kubectl; do
    if [[ -x "$KUBEBUILDER_ASSETS/$bin" ]]; then
      ln -sf "$KUBEBUILDER_ASSETS/$bin" "$assets/$bin"
    fi
  done
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

build_kubernetes() {
  log "building kube-apiserver and kubectl $KUBERNETES_VERSION (cold: about 5 to 8 minutes on 2 cores)"
  (cd "$root/hack/testbins/kubernetes" &&
    go build -trimpath -tags=grpcnotrace -ldflags="$(kube_ldflags)" -o "$assets/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
}

build_etcd() {
  log "building etcd $ETCD_VERSION"
  (cd "$root/hack/testbins/etcd" &&
    go build -trimpath -ldflags="-s -w" -o "$assets/etcd" go.etcd.io/etcd/server/v3)
}

build_helm() {
  local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local x="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  x+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
  x+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor"
  log "building helm $HELM_VERSION"
  (cd "$root/hack/testbins/helm" &&
    go build -trimpath -ldflags="-s -w $x" -o "$assets/helm" helm.sh/helm/v3/cmd/helm)
}

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  log "using kube-apiserver, etcd and kubectl from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  link_from_kubebuilder_assets
fi
[[ -x "$assets/etcd" ]] || build_etcd
[[ -x "$assets/kube-apiserver" && -x "$assets/kubectl" ]] || build_kubernetes
[[ -x "$assets/helm" ]] || build_helm

for bin in kube-apiserver etcd kubectl helm; do
  [[ -x "$assets/$bin" ]] || { log "missing $assets/$bin after build"; exit 1; }
done
echo "$assets"
