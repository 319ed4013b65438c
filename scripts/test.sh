#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds EmbedForge with its tests and runs them all under CTest.
# Arguments go to ctest (e.g. -L unit, -R tst_workspace).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
scripts/install-deps.sh
scripts/build.sh
built=$(date +%s)

export QT_QPA_PLATFORM=offscreen
# CI has the real tokenizers in ../shared/fixtures/tokenizers: their parity cases must run, not skip.
if [ "${CI:-}" = "true" ]; then export EMBEDFORGE_REQUIRE_REAL_TOKENIZERS=1; fi
cd "${EMBEDFORGE_BUILD_DIR:-build}"
ctest --output-on-failure --parallel "$(nproc)" "$@"
echo "test: build $((built - start)) s, tests $(( $(date +%s) - built )) s"
