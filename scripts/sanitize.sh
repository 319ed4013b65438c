#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the models/, backend/ and core tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (-DEMBEDFORGE_SANITIZE=address,undefined) in a build folder of their own and runs them under
# CTest (label "unit"). A sanitizer report fails the test that caused it. Not part of CI: it
# takes long (README, "Sanitizer and fuzz runs"). Arguments go to ctest (e.g. -R tst_tokenizer).
#   EMBEDFORGE_SANITIZE_BUILD_DIR  build folder (default: build-sanitize)
#   EMBEDFORGE_SANITIZE            -fsanitize= list (default: address,undefined)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${EMBEDFORGE_SANITIZE_BUILD_DIR:-build-sanitize}
SANITIZERS=${EMBEDFORGE_SANITIZE:-address,undefined}
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

start=$(date +%s)
generator=()
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
# -O2 with debug information: the decoder tests stay fast enough, reports have line numbers.
cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEMBEDFORGE_SANITIZE="$SANITIZERS" \
    -DEMBEDFORGE_BUILD_BENCH=OFF -DEMBEDFORGE_CUDA=OFF ${EMBEDFORGE_CMAKE_ARGS:-}

# The executables of the tests labelled "unit" (tests/models, tests/backend, tests/core).
targets=()
for dir in tests/models tests/backend tests/core; do
    while read -r t; do targets+=(--target "$t"); done < <(grep -ohE '^embedforge_add(_core)?_test\(tst_[a-z_0-9]+' "$dir/CMakeLists.txt" | sed 's/.*(//')
done
cmake --build "$BUILD_DIR" --parallel "$(nproc)" "${targets[@]}" --target ef_test_writer
built=$(date +%s)

# Leaks are reported too (no suppressions are needed); the first error of either sanitizer
# ends the test process with an error, so the test fails.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen
status=0
(cd "$BUILD_DIR" && ctest -L unit --output-on-failure "$@") || status=$?
echo "sanitize: build $((built - start)) s, tests $(( $(date +%s) - built )) s, ctest exit $status"
exit $status
