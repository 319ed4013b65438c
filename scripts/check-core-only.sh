#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Proves that the Qt-free core builds without Qt: configures -DEMBEDFORGE_CORE_ONLY=ON with Qt,
# QCustomPlot and SQLite hidden from CMake (find_package for them is disabled), builds it with
# warnings as errors (and the CUDA module when LibTorch has CUDA), checks that no binary links a Qt
# or SQLite library, and runs the core tests. Build folder: build-core-noqt/ (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-core-noqt}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
generator=()
if [ ! -f "$BUILD/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S . -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DEMBEDFORGE_CORE_ONLY=ON -DEMBEDFORGE_WERROR=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_Qt6=ON -DCMAKE_DISABLE_FIND_PACKAGE_Qt6Core=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_QCustomPlotQt6=ON -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON
cmake --build "$BUILD" --parallel "$(nproc)"
linked=$(find "$BUILD" -type f \( -name 'embedforge-core' -o -name '*.so' -o -name 'tst_core_*' -o -name 'bench_*' \) \
    -perm -u+x -exec sh -c 'ldd "$1" 2>/dev/null | grep -i -E "libQt|libsqlite|qcustomplot" | sed "s|^|$1: |"' _ {} \;)
if [ -n "$linked" ]; then
    echo "check-core-only: the core links Qt or SQLite:" >&2
    echo "$linked" >&2
    exit 1
fi
"$BUILD/app/embedforge-core" info --json
(cd "$BUILD" && ctest --output-on-failure -R tst_core)
echo "check-core-only: built and tested without Qt, QCustomPlot or SQLite"
