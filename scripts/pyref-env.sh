#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Creates (once) and prints the venv of the Python reference stack (scripts/pyref-requirements.txt):
# transformers, peft, tokenizers, sentence-transformers, pytrec_eval and faiss, used by bench/ peers
# and by the scripts that produce committed references. Not needed to build, run or test EmbedForge.
#
#   PY=$(scripts/pyref-env.sh)/bin/python
#
# The venv is $EMBEDFORGE_PYREF (default ~/.cache/embedforge/pyref-<requirements hash>); wheels that
# scripts/fetch-libtorch.sh already downloaded are reused rather than fetched again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
req="$here/pyref-requirements.txt"
hash=$(grep -v '^#' "$req" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/embedforge"
venv="${EMBEDFORGE_PYREF:-$cache_root/pyref-$hash}"
if [ -x "$venv/bin/python" ] && [ -f "$venv/.embedforge-ok" ]; then
    echo "$venv"
    exit 0
fi
if [ -n "${EMBEDFORGE_PYREF_NO_CREATE:-}" ]; then # a benchmark asking whether it exists
    exit 1
fi
python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --find-links "${EMBEDFORGE_DOWNLOAD_CACHE:-$cache_root/downloads}" -r "$req" >&2
touch "$venv/.embedforge-ok"
echo "$venv"
