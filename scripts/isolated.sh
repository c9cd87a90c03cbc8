#!/usr/bin/env bash
# Runs a command (default: npm test) the way a user's clone sees the world: the folder that holds this
# repository is replaced by an empty one with only the repository in it, so a test, script or build
# step that reads a sibling folder (the notes folder beside it, another checkout) fails here as it would for a user.
# Linux only: a private mount namespace (unshare -m), which needs root or user namespaces.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- npm test

if [ "${ISOLATED_INSIDE:-}" != "1" ]; then
  if ! command -v unshare >/dev/null 2>&1; then
    echo "scripts/isolated.sh needs unshare (util-linux) to hide the folders beside the repository." >&2
    exit 1
  fi
  flags=(-m --propagation private)
  [ "$(id -u)" -eq 0 ] || flags=(-r "${flags[@]}")
  exec env ISOLATED_INSIDE=1 unshare "${flags[@]}" bash "$0" "$@"
fi

parent=$(dirname "$repo")
name=$(basename "$repo")
hold=$(mktemp -d)
mount --bind "$repo" "$hold"
mount -t tmpfs -o mode=0755 isolated "$parent"
mkdir "$parent/$name"
mount --bind "$hold" "$parent/$name"
cd "$parent/$name"
echo "[isolated] $parent now holds only $name; running: $*" >&2
exec "$@"
