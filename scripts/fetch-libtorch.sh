#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Provides the pinned LibTorch (scripts/libtorch.lock) in a project-local prefix, from PyPI's wheels.
#
#   scripts/fetch-libtorch.sh          # prints the prefix (installs it first when missing)
#   scripts/fetch-libtorch.sh --where  # prints the prefix; exit 1 when it is not installed
#
# The prefix is $EMBEDFORGE_LIBTORCH_PREFIX, default ~/.cache/embedforge/libtorch-<version>-<lock hash>.
# Wheels are kept in $EMBEDFORGE_DOWNLOAD_CACHE (default ~/.cache/embedforge/downloads), so a
# second build tree, a CI rerun or a wiped prefix costs no download. Every file is checked against
# the SHA-256 in the lock before it is unpacked; a mismatch deletes the file and fails.
# Only torch/{lib,include,share} and nvidia/ are unpacked, in the wheels' site-packages layout, so
# the libraries' own RPATHs ($ORIGIN/../../nvidia/...) find the CUDA runtime next to them.
# Needs curl, unzip and sha256sum; no Python, no pip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lock="$here/libtorch.lock"

version=$(awk '$1 == "torch" { print $2 }' "$lock")
lock_hash=$(grep -v '^#' "$lock" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/embedforge"
prefix="${EMBEDFORGE_LIBTORCH_PREFIX:-$cache_root/libtorch-$version-$lock_hash}"
downloads="${EMBEDFORGE_DOWNLOAD_CACHE:-$cache_root/downloads}"
stamp="$prefix/.embedforge-lock"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ] && [ -f "$prefix/torch/share/cmake/Torch/TorchConfig.cmake" ]; then
    echo "$prefix"
    exit 0
fi
if [ "${1:-}" = "--where" ]; then # CMake asks where the prefix is; it never downloads
    echo "$prefix"
    exit 1
fi

for tool in curl unzip sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || { echo "fetch-libtorch: '$tool' is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

mkdir -p "$downloads"
tmp="$prefix.partial.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

started=$(date +%s)
fetched=0
while read -r name ver sha url; do
    case "$name" in ''|'#'*) continue ;; esac
    file="$downloads/${url##*/}"
    if [ -f "$file" ] && ! echo "$sha  $file" | sha256sum --check --status; then
        echo "fetch-libtorch: cached $file has the wrong SHA-256; downloading it again" >&2
        rm -f "$file"
    fi
    if [ ! -f "$file" ]; then
        echo "fetch-libtorch: downloading $name $ver" >&2
        curl --fail --location --silent --show-error --retry 3 --retry-delay 5 -o "$file.part" "$url"
        if ! echo "$sha  $file.part" | sha256sum --check --status; then
            rm -f "$file.part"
            echo "fetch-libtorch: $url does not match the SHA-256 in $lock ($sha); nothing was installed" >&2
            exit 1
        fi
        mv "$file.part" "$file"
        fetched=$((fetched + 1))
    fi
    if [ "$name" = torch ]; then
        unzip -q -o "$file" 'torch/lib/*' 'torch/include/*' 'torch/share/*' \
            -x 'torch/lib/libtorch_python.so' 'torch/lib/libshm*' -d "$tmp"
    else
        unzip -q -o "$file" 'nvidia/*' -d "$tmp"
    fi
done < "$lock"

echo "$lock_hash" > "$tmp/.embedforge-lock"
rm -rf "$prefix"
mkdir -p "$(dirname "$prefix")"
mv "$tmp" "$prefix"
trap - EXIT
echo "fetch-libtorch: LibTorch $version in $prefix ($fetched downloaded, $(( $(date +%s) - started )) s)" >&2
echo "$prefix"
