#!/usr/bin/env bash
# Prints the bin directory of a Node.js binary of exactly VERSION, for putting first on PATH:
#   PATH="$(scripts/node-from-registry.sh 24.22.3):$PATH"
# The binary comes from the npm registry's node-linux-<cpu> package (Node's official Linux build, republished
# there), fetched with `npm pack`, which checks it against the registry's sha512 integrity, and cached outside
# the checkout ($AZFENCE_NODE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/azfence/node), so that CI on a fresh
# checkout of the same machine does not download it again. CI uses it to test on Node versions a fresh
# machine does not have; it exits 1 with one line saying why when that cannot be done.
set -euo pipefail

die() {
  echo "node-from-registry: $*" >&2
  exit 1
}

version=${1:-}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "give an exact Node.js version such as 22.23.5 (got: '${version}')"
[ "$(uname -s)" = Linux ] || die "the registry has Node.js binaries for Linux only (node-linux-*); this is $(uname -s)"
case "$(uname -m)" in
  x86_64 | amd64) cpu=x64 ;;
  aarch64 | arm64) cpu=arm64 ;;
  *) die "no node-linux-* package for this CPU ($(uname -m))" ;;
esac
package="node-linux-$cpu@$version"

cache=${AZFENCE_NODE_CACHE:-${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/azfence/node}
dir="$cache/v$version-linux-$cpu"
if [ "$("$dir/bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
  command -v npm >/dev/null || die "npm is not on PATH, so $package cannot be fetched"
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.fetch-XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "node-from-registry: fetching $package from the npm registry" >&2
  if ! (cd "$work" && npm pack --loglevel=error "$package" >"$work/npm.out" 2>"$work/npm.log"); then
    die "npm pack $package failed: $(grep -m1 -v 'complete log' "$work/npm.log" || echo 'no message')"
  fi
  tarball=$(tail -n1 "$work/npm.out")
  tar -xzf "$work/$tarball" -C "$work" package/bin/node 2>"$work/tar.log" || die "$package has no package/bin/node: $(head -n1 "$work/tar.log")"
  reported=$("$work/package/bin/node" --version 2>&1) || die "the node binary in $package does not run here: $reported"
  [ "$reported" = "v$version" ] || die "the node binary in $package reports $reported, not v$version"
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  mv "$work/package/bin/node" "$dir/bin/node"
fi
echo "$dir/bin"
