#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs EmbedForge's build, run and test dependencies: Debian/Ubuntu packages, and the pinned
# LibTorch 2.x from PyPI's torch wheel (scripts/fetch-libtorch.sh: hash-checked, unpacked into
# ~/.cache/embedforge, never into the system). Idempotent: does nothing (and needs no network or
# root) when everything is present.
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-translations-l10n qt6-qpa-plugins libqt6svg6
    curl ca-certificates unzip xz-utils
    libqcustomplot-dev libqcustomplot2.1-qt6
    libsqlite3-dev nlohmann-json3-dev
    libsentencepiece-dev libutf8proc-dev libpcre2-dev
    dpkg-dev file fonts-wqy-microhei clang-format-14
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages are installed."
    exec "$(dirname "$0")/fetch-libtorch.sh" >/dev/null
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps: missing packages and no sudo: ${missing[*]}" >&2
        exit 1
    fi
    SUDO=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
exec "$(dirname "$0")/fetch-libtorch.sh" >/dev/null
