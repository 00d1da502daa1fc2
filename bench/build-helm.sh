#!/usr/bin/env bash
# Builds Helm from its module on the Go module proxy into ~/.cache/berth/bench/helm-<version>/bin/helm.
# Cached: a version whose binary exists is not rebuilt. With no argument it builds the versions in
# bench/helm-versions.txt (the latest v3.x and v4.x when they were pinned).
# Usage: bash bench/build-helm.sh [v3.22.0 v4.3.1 ...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${BERTH_BENCH_CACHE:-$HOME/.cache/berth/bench}"
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"

if [ "$#" -eq 0 ]; then
  mapfile -t versions < <(grep -v '^#' "$here/helm-versions.txt" | grep -v '^$')
else
  versions=("$@")
fi

command -v go >/dev/null || { echo "build-helm: go is not on PATH (Go 1.24+ is needed to build Helm)" >&2; exit 1; }

for version in "${versions[@]}"; do
  major="${version%%.*}"                     # v3 / v4
  module="helm.sh/helm/$major"
  out="$cache/helm-$version"
  if [ -x "$out/bin/helm" ]; then
    echo "helm $version: cached at $out/bin/helm"
    continue
  fi
  echo "helm $version: downloading $module@$version"
  src="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || { echo "build-helm: go mod download gave no source directory for $module@$version" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  commit="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Hash": "\(.*\)",$/\1/p' | head -1)"
  echo "helm $version: building (this takes several minutes on 2 cores)"
  start=$(date +%s)
  (cd "$work" && nice -n 10 go build -trimpath \
    -ldflags "-s -w -X $module/internal/version.version=$version -X $module/internal/version.gitTreeState=clean" \
    -o "$out/bin/helm.tmp" ./cmd/helm)
  mv "$out/bin/helm.tmp" "$out/bin/helm"
  rm -rf "$work"
  trap - EXIT
  echo "helm $version: built in $(( $(date +%s) - start ))s -> $out/bin/helm"
  "$out/bin/helm" version --short
done
