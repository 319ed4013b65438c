#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The GPU check: on a machine with an NVIDIA GPU and a CUDA LibTorch 2.x, builds the Qt-free core
# with its CUDA module, runs the core tests on the GPU (decoder paths, HF parity, training: LoRA,
# gradient cache, checkpointing, parity with transformers+peft, resume, exports), then the BF16
# forward benchmark and the training benchmark for a 7B-shaped model at the paper's batch of 2048
# with the gradient cache, and prints their figures (copy them into bench/README.md).
# Exits non-zero on any failure. Meant to take under 8 minutes on one H100/H200, build included.
#
#   scripts/gpu-check.sh                    # LibTorch: scripts/fetch-libtorch.sh's, or python3's torch
#   EMBEDFORGE_LIBTORCH=/path/to/libtorch scripts/gpu-check.sh
#   EMBEDFORGE_GPU_CHECK_QUICK=1 ...        # skip the 7B training benchmark (the slowest part)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stage() { echo; echo "== gpu-check: $* ($(( $(date +%s) - start )) s)"; }

stage "the GPU"
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L; then
    echo "gpu-check: no NVIDIA GPU or driver here (nvidia-smi failed)" >&2
    exit 1
fi

BUILD=${EMBEDFORGE_GPU_BUILD_DIR:-build-gpu}
stage "configure and build the core with CUDA in $BUILD"
generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$BUILD/CMakeCache.txt" ]; then generator=(-G Ninja); fi
cmake -S . -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DEMBEDFORGE_CORE_ONLY=ON -DEMBEDFORGE_CUDA=ON \
    -DEMBEDFORGE_WERROR=ON ${EMBEDFORGE_LIBTORCH:+-DEMBEDFORGE_LIBTORCH="$EMBEDFORGE_LIBTORCH"}
cmake --build "$BUILD" --parallel "$(nproc)"

stage "what the build sees"
info=$("$BUILD/app/embedforge-core" info --json)
echo "$info"
case "$info" in
    *'"cuda_available":true'*) ;;
    *) echo "gpu-check: the core does not see the GPU (cuda_status above)" >&2; exit 1 ;;
esac

stage "core tests on --device cuda"
export EMBEDFORGE_TEST_DEVICE=cuda
for t in tst_core_compute tst_core_decoder tst_core_hf_parity tst_core_training; do
    "$BUILD/tests/core/$t"
done
unset EMBEDFORGE_TEST_DEVICE

stage "forward benchmark, BF16 on the GPU"
"$BUILD/bench/bench_model" --device cuda

if [ -z "${EMBEDFORGE_GPU_CHECK_QUICK:-}" ]; then
    stage "training benchmark: 7B shape (Mistral), LoRA r16, BF16, batch 2048 with the gradient cache"
    "$BUILD/bench/bench_train" --device cuda --shape 7b --batch 2048 --micro-batch 128 --q-len 32 --d-len 128 \
        --negatives 1 --checkpointing 1 --steps 2 --python none
fi

stage "done"
