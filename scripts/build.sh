#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures and builds EmbedForge (Release) in $EMBEDFORGE_BUILD_DIR (default: build/).
# Extra arguments are build targets (default: all). Used by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${EMBEDFORGE_BUILD_DIR:-build}
# ccache and GCC precompiled headers work together only with these settings.
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Paths inside the checkout are hashed relative to it, so a fresh clone elsewhere (CI) hits the
# cache that another checkout filled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

# CI: warnings are errors, and the CUDA module must be built (EMBEDFORGE_CUDA=ON fails the
# configuration when it cannot be); elsewhere it is built whenever LibTorch has CUDA.
werror=OFF
cuda=AUTO
if [ "${CI:-}" = "true" ]; then werror=ON; cuda=ON; fi

generator=()
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DEMBEDFORGE_WERROR="$werror" -DEMBEDFORGE_CUDA="$cuda" \
    ${EMBEDFORGE_CMAKE_ARGS:-}

targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$BUILD_DIR" --parallel "$(nproc)" "${targets[@]}"
