#!/usr/bin/env python3
"""Peer for bench_model: Hugging Face transformers' Qwen2Model in eager mode on the same
Qwen2-0.5B shape (24 layers, hidden 896, 14 heads, 2 KV heads, FFN 4864), batch 8 x 256, F32,
same thread count, on the LibTorch that Debian's python3-torch ships (1.13.1). Prints seconds per
forward, tokens/s, GFLOP/s (same FLOP count as bench_model) and the fraction of this process's
SGEMM rate on the same GEMM shape.

Usage: /usr/bin/python3 bench/hf_forward_peer.py [--threads 2] [--layers 24]
(transformers on PYTHONPATH; see tests/data/hf_reference/README.md for running it from source)."""
import argparse
import time

import torch
from transformers import Qwen2Config, Qwen2Model

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--layers", type=int, default=24)
a = p.parse_args()
torch.set_num_threads(a.threads)

# As bench_model: the MLP's GEMM shape into a preallocated output, best of 8.
x = torch.randn(2048, 896)
w = torch.randn(4864, 896)
c = torch.mm(x, w.t())
best = 1e9
for _ in range(8):
    t = time.perf_counter()
    torch.mm(x, w.t(), out=c)
    best = min(best, time.perf_counter() - t)
sgemm = 2 * 2048 * 896 * 4864 / best / 1e9

cfg = Qwen2Config(vocab_size=32000, hidden_size=896, intermediate_size=4864, num_hidden_layers=a.layers,
                  num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
                  rope_theta=1e6, use_sliding_window=False, attn_implementation="eager")
model = Qwen2Model(cfg).eval()
ids = torch.randint(1, 30000, (8, 256))
mask = torch.ones_like(ids)
B, T, H, NH, KV, D, F, L = 8, 256, 896, 14, 2, 64, 4864, a.layers
per_token_layer = 2.0 * (2 * H * H + 2 * H * KV * D + 3 * H * F) + 4.0 * T * NH * D
flops = per_token_layer * L * B * T
with torch.inference_mode():
    model(input_ids=ids, attention_mask=mask, use_cache=False)
    best = 1e9
    for _ in range(3):
        t = time.perf_counter()
        model(input_ids=ids, attention_mask=mask, use_cache=False)
        best = min(best, time.perf_counter() - t)
gf = flops / best / 1e9
print(f"transformers eager (torch {torch.__version__}, {a.threads} threads): SGEMM {sgemm:.1f} GFLOP/s; "
      f"forward {best:.2f} s, {B * T / best:.0f} tokens/s, {gf:.1f} GFLOP/s = {100 * gf / sgemm:.0f}% of SGEMM")
