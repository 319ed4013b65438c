#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference run for EmbedForge's LoRA training, with Hugging Face transformers + peft + a PyTorch InfoNCE.

It trains a LoRA adapter on a tiny llama checkpoint (`embedforge-core model make-tiny --family llama
--seed 7`) for 20 steps over fixed batches, following EmbedForge's recipe exactly (training.h):

- texts: queries as "Instruct: {instruction}\\nQuery: {query}", documents bare; the tokenizer's own
  special tokens, EOS appended unless the tokenizer already ends with it (no truncation is needed for
  these short texts);
- a batch holds the queries, then the positives, then each row's first hard negative (rows without one
  add none); right padding (pad = EOS), attention mask, the hidden state at each row's last real token,
  float32, L2-normalised;
- InfoNCE: cosine / temperature of every query against every positive and hard negative of the batch,
  candidates whose token ids equal the row's positive masked (other than the positive itself), mean
  cross-entropy;
- the gradient norm over all LoRA parameters, clipped to max_grad_norm (torch's clip coefficient
  max_norm / (norm + 1e-6)), torch.optim.AdamW (foreach=False) with weight decay on every LoRA
  parameter, learning rate of update k: base*(k+1)/warmup during warmup, then base*(n-k)/(n-warmup);
- batches: consecutive groups of batch_size examples in file order, epochs repeating (shuffle off).

The starting adapter is peft's own initialisation (kaiming-uniform A, zero B) under torch.manual_seed(0),
saved as init_adapter/; tests/core/tst_core_training.cpp starts EmbedForge from it (config init_adapter)
and compares the 20 losses (and gradient norms) with reference.json and its final adapter with
final_adapter/.

  PY=$(scripts/pyref-env.sh)/bin/python
  build/app/embedforge-core model make-tiny --family llama --seed 7 --out /tmp/tiny-llama
  $PY scripts/make_train_reference.py --model /tmp/tiny-llama --out tests/data/train_reference
"""
import argparse
import hashlib
import json
import os
import platform
import shutil
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
import transformers
import peft
from peft import LoraConfig, get_peft_model
from tokenizers import Tokenizer
from transformers import AutoModel

CONFIG = {
    "mode": "lora", "device": "cpu", "dtype": "f32",
    "lora_rank": 4, "lora_alpha": 8.0, "lora_dropout": 0.0,
    "lora_targets": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "steps": 20, "batch_size": 4, "micro_batch": 0, "learning_rate": 0.002, "warmup_steps": 5,
    "weight_decay": 0.1, "max_grad_norm": 1.0, "adam_beta1": 0.9, "adam_beta2": 0.999, "adam_eps": 1e-8,
    "temperature": 0.05, "symmetric": False, "hard_negatives": 1, "max_length": 128,
    "gradient_checkpointing": False, "group_by_length": False, "shuffle": False, "seed": 42,
    "eval_every": 0, "checkpoint_every": 0, "heldout_fraction": 0.0,
}

TOPICS = ["apple", "river", "engine", "violin", "planet", "garden", "bridge", "coffee",
          "mountain", "ocean", "robot", "castle", "winter", "doctor", "library", "camera"]


def examples():
    out = []
    for i in range(16):
        a, b = TOPICS[i], TOPICS[(i * 5 + 3) % 16]
        e = {"id": "ref-%d" % i, "instruction": "Retrieve passages about both topics" if i % 3 else "",
             "query": "%s %s" % (a, b), "positive": "the %s and the %s, together" % (a, b), "negatives": []}
        if i % 4 != 3:
            e["negatives"] = ["only the %s here" % b]
        out.append(e)
    out[9]["positive"] = out[2]["positive"]  # an identical document inside one epoch's batches: masked
    out[10]["negatives"] = [out[11]["positive"]]  # a hard negative that is another row's positive
    return out


def encode(tok, text, eos):
    ids = tok.encode(text, add_special_tokens=True).ids
    if not ids or ids[-1] != eos:
        ids.append(eos)
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    eos = cfg["eos_token_id"]
    tok = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    model = AutoModel.from_pretrained(a.model, dtype=torch.float32, attn_implementation="eager")
    torch.manual_seed(0)
    lora = LoraConfig(task_type="FEATURE_EXTRACTION", r=CONFIG["lora_rank"], lora_alpha=CONFIG["lora_alpha"],
                      lora_dropout=0.0, target_modules=CONFIG["lora_targets"])
    pm = get_peft_model(model, lora)
    os.makedirs(a.out, exist_ok=True)
    for d in ("init_adapter", "final_adapter"):
        shutil.rmtree(os.path.join(a.out, d), ignore_errors=True)
    pm.save_pretrained(os.path.join(a.out, "init_adapter"))
    params = [p for n, p in pm.named_parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=CONFIG["learning_rate"], betas=(CONFIG["adam_beta1"], CONFIG["adam_beta2"]),
                            eps=CONFIG["adam_eps"], weight_decay=CONFIG["weight_decay"], foreach=False)
    data = examples()
    n, w, base = CONFIG["steps"], CONFIG["warmup_steps"], CONFIG["learning_rate"]
    b = CONFIG["batch_size"]
    losses, norms = [], []
    pm.train()
    for k in range(n):
        batch = data[(k * b) % len(data):(k * b) % len(data) + b]
        seqs = []
        for e in batch:
            q = ("Instruct: %s\nQuery: %s" % (e["instruction"], e["query"])) if e["instruction"] else e["query"]
            seqs.append(encode(tok, q, eos))
        for e in batch:
            seqs.append(encode(tok, e["positive"], eos))
        for e in batch:
            for neg in e["negatives"][:CONFIG["hard_negatives"]]:
                seqs.append(encode(tok, neg, eos))
        longest = max(len(s) for s in seqs)
        assert longest <= CONFIG["max_length"], "a text would be truncated; the reference does not truncate"
        ids = torch.full((len(seqs), longest), eos, dtype=torch.long)
        mask = torch.zeros((len(seqs), longest), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, :len(s)] = torch.tensor(s)
            mask[i, :len(s)] = 1
        h = pm(input_ids=ids, attention_mask=mask).last_hidden_state
        last = torch.tensor([len(s) - 1 for s in seqs])
        emb = torch.nn.functional.normalize(h[torch.arange(len(seqs)), last].float(), dim=-1)
        q, c = emb[:b], emb[b:]
        keys = [tuple(s) for s in seqs[b:]]
        masked = torch.zeros(b, c.shape[0], dtype=torch.bool)
        for i in range(b):
            for j in range(c.shape[0]):
                masked[i, j] = j != i and keys[j] == keys[i]
        logits = (q @ c.T / CONFIG["temperature"]).masked_fill(masked, float("-inf"))
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(b))
        opt.zero_grad()
        loss.backward()
        norm = torch.sqrt(sum(p.grad.double().pow(2).sum() for p in params)).item()
        coef = CONFIG["max_grad_norm"] / (norm + 1e-6)
        if coef < 1.0:
            for p in params:
                p.grad.mul_(coef)
        lr = base * (k + 1) / w if k < w else base * max(0.0, (n - k) / (n - w))
        for g in opt.param_groups:
            g["lr"] = lr
        opt.step()
        losses.append(loss.item())
        norms.append(norm)
        print("step %2d loss %.6f grad_norm %.6f lr %.6f" % (k + 1, loss.item(), norm, lr), flush=True)
    pm.save_pretrained(os.path.join(a.out, "final_adapter"))
    for d in ("init_adapter", "final_adapter"):  # README.md written by peft is not needed
        p = os.path.join(a.out, d, "README.md")
        if os.path.exists(p):
            os.remove(p)
    sha = hashlib.sha256(open(os.path.join(a.model, "model.safetensors"), "rb").read()).hexdigest()
    ref = {
        "config": CONFIG, "examples": data, "losses": losses, "grad_norms": norms,
        "model": {"make_tiny": {"family": "llama", "seed": 7}, "model_sha256": sha},
        "produced_by": {"transformers": transformers.__version__, "peft": peft.__version__, "torch": torch.__version__,
                        "python": platform.python_version(),
                        "command": " ".join(["python3", "scripts/make_train_reference.py"] + sys.argv[1:])},
    }
    with open(os.path.join(a.out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
