#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loads EmbedForge's exports with the Python stack they are meant for and compares embeddings.

  PY=$(scripts/pyref-env.sh)/bin/python
  $PY scripts/check_exports.py --base BASE --peft PEFT_DIR --merged MERGED_DIR --st ST_DIR \
      --embedforge build/app/embedforge-cli [--instruction TEXT] [TEXT ...]

For each text it embeds with: transformers AutoModel(base) + peft PeftModel(PEFT_DIR); AutoModel(MERGED_DIR);
SentenceTransformer(ST_DIR) (its own tokenizer appends EOS, last-token pooling, normalisation); and
`embedforge-cli embed --model MERGED_DIR` (EmbedForge itself). The transformers runs use the paper's
recipe: "Instruct: {task}\\nQuery: {text}" for queries, the tokenizer's specials, EOS appended, the hidden
state at EOS, L2-normalised. Prints the lowest pairwise cosine and exits 1 below --min (0.9999).
"""
import argparse
import json
import os
import subprocess
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
from peft import PeftModel
from sentence_transformers import SentenceTransformer
from transformers import AutoModel, AutoTokenizer


def hf_embed(model, tok, text, eos_id):
    ids = tok(text, add_special_tokens=True)["input_ids"]
    if not ids or ids[-1] != eos_id:
        ids = ids + [eos_id]
    with torch.no_grad():
        h = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long)).last_hidden_state
    return torch.nn.functional.normalize(h[0, -1].float(), dim=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--peft", required=True)
    ap.add_argument("--merged", required=True)
    ap.add_argument("--st", required=True)
    ap.add_argument("--embedforge", required=True)
    ap.add_argument("--instruction", default="")
    ap.add_argument("--min", type=float, default=0.9999)
    ap.add_argument("texts", nargs="*", default=["how do heat pumps work", "A river runs through the old town."])
    a = ap.parse_args()
    cfg = json.load(open(os.path.join(a.base, "config.json")))
    eos = cfg["eos_token_id"] if isinstance(cfg["eos_token_id"], int) else cfg["eos_token_id"][0]
    tok = AutoTokenizer.from_pretrained(a.base)
    peft_model = PeftModel.from_pretrained(AutoModel.from_pretrained(a.base, dtype=torch.float32), a.peft).eval()
    merged = AutoModel.from_pretrained(a.merged, dtype=torch.float32).eval()
    st = SentenceTransformer(a.st, device="cpu")
    texts = [("Instruct: %s\nQuery: %s" % (a.instruction, t)) if a.instruction else t for t in a.texts]
    out = subprocess.run([a.embedforge, "embed", "--model", a.merged] + (["--instruction", a.instruction] if a.instruction else []),
                         input="\n".join(a.texts) + "\n", capture_output=True, text=True, check=True).stdout
    ours = [torch.tensor(json.loads(l)["embedding"]) for l in out.splitlines()]
    worst = 1.0
    for i, t in enumerate(texts):
        e_peft = hf_embed(peft_model, tok, t, eos)
        e_merged = hf_embed(merged, tok, t, eos)
        e_st = torch.tensor(st.encode([t], normalize_embeddings=True)[0])
        rows = {"peft": e_peft, "merged": e_merged, "sentence-transformers": e_st, "embedforge": ours[i]}
        names = list(rows)
        for x in range(len(names)):
            for y in range(x + 1, len(names)):
                c = float(torch.dot(rows[names[x]], rows[names[y]]))
                worst = min(worst, c)
                print("%-40s %-22s vs %-22s cos %.7f" % (a.texts[i][:40], names[x], names[y], c))
    print("lowest cosine: %.7f" % worst)
    sys.exit(0 if worst >= a.min else 1)


if __name__ == "__main__":
    main()
