#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds EmbedForge and starts the workbench.
# Arguments go to `embedforge` (e.g. a workspace file, --lang zh_CN, --demo).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh embedforge embedforge-cli

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "run: no display found; for a headless check use QT_QPA_PLATFORM=offscreen or xvfb-run." >&2
fi
exec "${EMBEDFORGE_BUILD_DIR:-build}/app/embedforge" "$@"
