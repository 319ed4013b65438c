#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peer for bench_train: Hugging Face transformers + peft LoRA contrastive training on the same shape.

A random-weight Qwen2-0.5B (or Mistral-7B) shaped model, LoRA r16 / alpha 32 / dropout 0 on all
seven projections, sdpa attention, the batch's queries (q_len tokens) and documents (d_len tokens,
plus one hard negative each with --negatives 1) embedded with last-token pooling, InfoNCE at
temperature 0.02 over every document of the batch, backward, gradient clipping and a torch AdamW
step, as EmbedForge does. Same thread count; BF16 autocast on CUDA. The first step is a warm-up.
Prints one JSON line: seconds_per_step (median), versions.

Run by build/bench/bench_train with the venv of scripts/pyref-env.sh.
"""
import argparse
import json
import statistics
import time

import peft
import torch
import transformers
from peft import LoraConfig, get_peft_model
from transformers import MistralConfig, MistralModel, Qwen2Config, Qwen2Model

p = argparse.ArgumentParser()
p.add_argument("--device", default="cpu")
p.add_argument("--shape", default="0.5b")
p.add_argument("--layers", type=int, default=0)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--q-len", type=int, default=32)
p.add_argument("--d-len", type=int, default=96)
p.add_argument("--negatives", type=int, default=0)
p.add_argument("--steps", type=int, default=4)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--checkpointing", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
dev = torch.device("cuda" if a.device == "cuda" else "cpu")

if a.shape == "7b":
    cfg = MistralConfig(vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=a.layers or 32,
                        num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=32768, sliding_window=None,
                        attn_implementation="sdpa")
    model = MistralModel(cfg)
else:
    cfg = Qwen2Config(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=a.layers or 24,
                      num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1e6,
                      use_sliding_window=False, attn_implementation="sdpa")
    model = Qwen2Model(cfg)
model = model.to(dev, dtype=torch.bfloat16 if dev.type == "cuda" else torch.float32)
model = get_peft_model(model, LoraConfig(task_type="FEATURE_EXTRACTION", r=16, lora_alpha=32, lora_dropout=0.0,
                                         target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                                                         "down_proj"]))
for n, prm in model.named_parameters():
    if prm.requires_grad:
        prm.data = prm.data.float()
if a.checkpointing:
    model.base_model.model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.base_model.model.enable_input_require_grads()
params = [q for q in model.parameters() if q.requires_grad]
opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.1)
model.train()


def embed(n, length):
    ids = torch.randint(1, 300, (n, length), device=dev)
    with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
        h = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
    return torch.nn.functional.normalize(h[:, -1].float(), dim=-1)


times = []
for step in range(a.steps):
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    q = embed(a.batch, a.q_len)
    d = embed(a.batch * (1 + a.negatives), a.d_len)
    logits = q @ d.T / 0.02
    loss = torch.nn.functional.cross_entropy(logits, torch.arange(a.batch, device=dev))
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    times.append(time.perf_counter() - t0)
measured = times[1:] if len(times) > 1 else times
print(json.dumps({"seconds_per_step": statistics.median(measured), "steps": len(measured),
                  "transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__}))
