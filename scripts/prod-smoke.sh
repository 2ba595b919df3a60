#!/usr/bin/env bash
# Runs the container image's start command outside a container: the built dist/ next to a
# production-only node_modules/ (npm ci --omit=dev --ignore-scripts, as the Dockerfile's prod-deps
# stage) and package.json, in a temporary folder, on the repository's Node.js. Catches a runtime import of a
# devDependency, which the image would only reveal when it crashes.
#
#   npm run build && scripts/prod-smoke.sh            # node dist/main.js --help
#   scripts/prod-smoke.sh --dry-run --kubeconfig ~/.kube/config
#
# NODE overrides the interpreter (default: the repository's Node.js from the devDependency "node";
# its major version must match that devDependency's).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node_bin=${NODE:-$root/node_modules/.bin/node}
[[ -f "$root/dist/main.js" ]] || { echo "prod-smoke: $root/dist/main.js is missing; run npm run build first" >&2; exit 1; }
major=$("$node_bin" -p "require('$root/package.json').devDependencies.node.split('.')[0]")
"$node_bin" -e "process.exit(process.versions.node.split('.')[0] === '$major' ? 0 : 1)" ||
  { echo "prod-smoke: $node_bin is not Node.js $major" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/package.json" "$root/package-lock.json" "$work/"
cp -R "$root/dist" "$work/dist"
(cd "$work" && PATH="$(dirname "$node_bin"):$PATH" npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)

cd "$work"
if [[ $# -eq 0 ]]; then set -- --help; fi
exec "$node_bin" dist/main.js "$@"
