#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peer for bench_model: Hugging Face transformers' Qwen2Model on the same Qwen2-0.5B shape (24 layers,
hidden 896, 14 heads, 2 KV heads, FFN 4864), batch 8 x 256, F32 and BF16, same thread count, eager
and sdpa attention, on the torch of scripts/pyref-env.sh's venv (the same version as EmbedForge's
LibTorch). Prints, per configuration, seconds per forward (best of 3), tokens/s and GFLOP/s (the
same FLOP count as bench_model) as a fraction of this process's GEMM rate on the MLP's shape.

Usage: $(scripts/pyref-env.sh)/bin/python bench/hf_forward_peer.py [--threads 2] [--layers 24]
(build/bench/bench_model runs it itself when the venv exists)."""
import argparse
import time

import torch
import transformers
from transformers import Qwen2Config, Qwen2Model

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--layers", type=int, default=24)
a = p.parse_args()
torch.set_num_threads(a.threads)


def gemm(dtype):
    x = torch.randn(2048, 896, dtype=dtype)
    w = torch.randn(4864, 896, dtype=dtype)
    c = torch.mm(x, w.t())
    best = 1e9
    for _ in range(8):
        t = time.perf_counter()
        torch.mm(x, w.t(), out=c)
        best = min(best, time.perf_counter() - t)
    return 2 * 2048 * 896 * 4864 / best / 1e9


B, T, H, NH, KV, D, F, L = 8, 256, 896, 14, 2, 64, 4864, a.layers
per_token_layer = 2.0 * (2 * H * H + 2 * H * KV * D + 3 * H * F) + 4.0 * T * NH * D
flops = per_token_layer * L * B * T
ids = torch.randint(1, 30000, (B, T))
mask = torch.ones_like(ids)
for dtype in (torch.float32, torch.bfloat16):
    ref = gemm(dtype)
    for attn in ("eager", "sdpa"):
        cfg = Qwen2Config(vocab_size=32000, hidden_size=H, intermediate_size=F, num_hidden_layers=L,
                          num_attention_heads=NH, num_key_value_heads=KV, max_position_embeddings=32768,
                          rope_theta=1e6, use_sliding_window=False, attn_implementation=attn)
        model = Qwen2Model(cfg).to(dtype).eval()
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask, use_cache=False)
            best = 1e9
            for _ in range(3):
                t = time.perf_counter()
                model(input_ids=ids, attention_mask=mask, use_cache=False)
                best = min(best, time.perf_counter() - t)
        gf = flops / best / 1e9
        print(f"transformers {transformers.__version__} {attn} {str(dtype).replace('torch.', '')} (torch {torch.__version__}, "
              f"{a.threads} threads): {best:.2f} s, {B * T / best:.0f} tokens/s, {gf:.1f} GFLOP/s = "
              f"{100 * gf / ref:.0f}% of its GEMM rate ({ref:.1f} GFLOP/s)", flush=True)
