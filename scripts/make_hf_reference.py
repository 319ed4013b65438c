#!/usr/bin/env python3
"""Produce Hugging Face `transformers` reference outputs for EmbedForge's tiny decoder checkpoints.

For each case (a tiny checkpoint + optional config.json overrides) this runs the bare
`AutoModel` (LlamaModel / MistralModel / Qwen2Model: last_hidden_state after the final
RMSNorm, no lm_head) on a fixed list of token-id sequences, one sequence at a time
(batch 1, no padding, attention_mask all ones), and writes one JSON file per case:

  {"case", "family", "seed", "config_overrides", "model_sha256", "dtype", "produced_by",
   "notes", "inputs": [[ids]...], "hidden": [[[64 floats] x len] x n], "pooled": [[64 floats] x n],
   "rope_inv_freq": [[head_dim/2 floats] x n]}

`pooled` is the L2-normalised last row of `hidden` (last-token pooling).
`rope_inv_freq` is the rotary inverse-frequency vector the model actually used for that input
(read back from model.rotary_emb after the forward; useful to debug RoPE scaling variants).
Floats are rounded to 7 significant digits.

Inputs: random.Random(1234); for each length in LENGTHS (in that order) draw `length` ids with
rng.randrange(276) (ids 0..275: no special tokens). The dynamic-RoPE case uses LENGTHS + [60], so its
first four sequences equal every other case's.

Each input is run on a FRESHLY LOADED model. This matters for rope_type "dynamic": transformers'
LlamaRotaryEmbedding._dynamic_frequency_update is stateful (it keeps the inv_freq computed for the
longest sequence seen so far while the current length is still above original_max_position_embeddings),
so running sequences on one model instance in a different order would change the results.

Usage (what produced the committed files; see tests/data/hf_reference/README.md):

  PY=$(scripts/pyref-env.sh)/bin/python    # transformers from PyPI, pinned in scripts/pyref-requirements.txt
  $PY scripts/make_hf_reference.py \
      --tiny-llama /tmp/hfref/tiny-llama --tiny-mistral /tmp/hfref/tiny-mistral \
      --tiny-qwen2 /tmp/hfref/tiny-qwen2 \
      --work /tmp/hfref/cases --out tests/data/hf_reference --self-check

The tiny folders are made by `embedforge-core model make-tiny --family F --out DIR --seed N`
(seeds 7 / 8 / 9). --transformers-src and --shims remain for running an unreleased transformers.

--self-check also runs an independent pure-torch implementation of the decoder stack (RMSNorm,
RoPE incl. the scaling variants, GQA, SwiGLU, causal / sliding-window mask, optional q/k/v bias)
on every F32 case and prints / records the max abs difference against transformers.
"""

import argparse
import copy
import hashlib
import json
import math
import os
import platform
import random
import shutil
import struct
import sys

LENGTHS = [1, 5, 17, 40]
DYNAMIC_EXTRA_LENGTH = 60
ID_RANGE = 276  # ids in [0, 276): the tiny tokenizers' special tokens start at 276
RNG_SEED = 1234
SIG_DIGITS = 7

# name -> (family, config overrides, torch dtype name, extra lengths)
CASES = {
    "llama": ("llama", {}, "float32", []),
    "llama-rope-linear": ("llama", {"rope_scaling": {"type": "linear", "rope_type": "linear", "factor": 2.0}},
                          "float32", []),
    "llama-rope-dynamic": ("llama", {"rope_scaling": {"type": "dynamic", "rope_type": "dynamic", "factor": 2.0},
                                     "max_position_embeddings": 32}, "float32", [DYNAMIC_EXTRA_LENGTH]),
    "llama-rope-llama3": ("llama", {"rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                     "high_freq_factor": 4.0,
                                                     "original_max_position_embeddings": 64}}, "float32", []),
    "mistral": ("mistral", {}, "float32", []),
    "qwen2": ("qwen2", {}, "float32", []),
    "qwen2-window": ("qwen2", {"use_sliding_window": True, "sliding_window": 8, "max_window_layers": 0},
                     "float32", []),
    "qwen2-window-from-layer1": ("qwen2", {"use_sliding_window": True, "sliding_window": 8, "max_window_layers": 1},
                                 "float32", []),
    "llama-bf16": ("llama", {}, "bfloat16", []),
}

DEFAULT_SEEDS = {"llama": 7, "mistral": 8, "qwen2": 9}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_inputs(extra_lengths):
    rng = random.Random(RNG_SEED)
    return [[rng.randrange(ID_RANGE) for _ in range(n)] for n in LENGTHS + list(extra_lengths)]


def rnd(x):
    """Round a nested list of floats to SIG_DIGITS significant digits (repr stays short)."""
    if isinstance(x, list):
        return [rnd(v) for v in x]
    return float("%.*g" % (SIG_DIGITS, x))


def prepare_case_dir(src_dir, dst_dir, overrides):
    """Copy the tiny checkpoint folder and apply config.json overrides (weights unchanged)."""
    if os.path.exists(dst_dir):
        shutil.rmtree(dst_dir)
    shutil.copytree(src_dir, dst_dir)
    cfg_path = os.path.join(dst_dir, "config.json")
    with open(cfg_path) as f:
        cfg = json.load(f)
    cfg.update(copy.deepcopy(overrides))
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=2)
    return cfg


# --------------------------------------------------------------------------------------------
# independent pure-torch reference (for --self-check)
# --------------------------------------------------------------------------------------------
def read_safetensors(path):
    import numpy as np
    import torch

    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    out = {}
    for k, v in header.items():
        assert v["dtype"] == "F32", v["dtype"]
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).copy().reshape(v["shape"]))
    return out


def ref_inv_freq(cfg, seq_len):
    """RoPE inverse frequencies, written from the formulas (not from transformers' code)."""
    import torch

    nh = cfg["num_attention_heads"]
    hd = cfg.get("head_dim") or cfg["hidden_size"] // nh
    base = float(cfg.get("rope_theta", 10000.0))
    rs = cfg.get("rope_scaling") or {}
    kind = rs.get("rope_type", rs.get("type", "default"))
    exps = torch.arange(0, hd, 2, dtype=torch.int64).float() / hd
    if kind == "dynamic":
        maxpos = cfg["max_position_embeddings"]
        f = rs["factor"]
        if seq_len > maxpos:  # NTK-aware: enlarge the base for the whole sequence
            base = base * ((f * seq_len / maxpos) - (f - 1)) ** (hd / (hd - 2))
    inv = 1.0 / (base ** exps)
    if kind == "linear":
        inv = inv / rs["factor"]
    elif kind == "llama3":
        f, lo, hi, old = (rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"],
                          rs["original_max_position_embeddings"])
        out = []
        for w in inv.tolist():
            wavelen = 2 * math.pi / w
            if wavelen < old / hi:
                out.append(w)
            elif wavelen > old / lo:
                out.append(w / f)
            else:
                s = (old / wavelen - lo) / (hi - lo)
                out.append((1 - s) * w / f + s * w)
        inv = torch.tensor(out, dtype=torch.float32)
    return inv


def ref_forward(weights, cfg, ids, window_layers="all"):
    """Plain decoder stack. window_layers: 'all' | 'from_max_window_layers' | 'none'."""
    import torch

    H = cfg["hidden_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or H // nh
    eps = cfg["rms_norm_eps"]
    L = len(ids)
    W = cfg.get("sliding_window")
    if cfg.get("model_type") == "qwen2" and not cfg.get("use_sliding_window", False):
        W = None

    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    def lin(x, name):
        y = x @ weights[name + ".weight"].T
        if name + ".bias" in weights:
            y = y + weights[name + ".bias"]
        return y

    pos = torch.arange(L, dtype=torch.float32)
    ang = pos[:, None] * ref_inv_freq(cfg, L)[None, :]  # L x hd/2
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rope(x):  # x: heads x L x hd, rotate-half convention
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)

    i = torch.arange(L)[:, None]
    j = torch.arange(L)[None, :]
    causal = j <= i
    windowed = causal & (j > i - W) if W else causal

    x = weights["model.embed_tokens.weight"][torch.tensor(ids)]
    for layer in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % layer
        h = rms(x, weights[p + "input_layernorm.weight"])
        q = lin(h, p + "self_attn.q_proj").view(L, nh, hd).transpose(0, 1)
        k = lin(h, p + "self_attn.k_proj").view(L, nkv, hd).transpose(0, 1)
        v = lin(h, p + "self_attn.v_proj").view(L, nkv, hd).transpose(0, 1)
        q, k = rope(q), rope(k)
        rep = nh // nkv
        k = k.repeat_interleave(rep, dim=0)
        v = v.repeat_interleave(rep, dim=0)
        use_w = (window_layers == "all") or (
            window_layers == "from_max_window_layers" and layer >= cfg.get("max_window_layers", 0))
        mask = windowed if use_w else causal
        s = (q @ k.transpose(1, 2)) / math.sqrt(hd)
        s = s.masked_fill(~mask, float("-inf"))
        a = torch.softmax(s, dim=-1) @ v  # nh x L x hd
        x = x + lin(a.transpose(0, 1).reshape(L, nh * hd), p + "self_attn.o_proj")
        h = rms(x, weights[p + "post_attention_layernorm.weight"])
        g = lin(h, p + "mlp.gate_proj")
        u = lin(h, p + "mlp.up_proj")
        x = x + lin(torch.nn.functional.silu(g) * u, p + "mlp.down_proj")
    return rms(x, weights["model.norm.weight"])


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--transformers-src", help="path to transformers' src/ dir (else use the installed package)")
    ap.add_argument("--transformers-commit", default=None, help="git commit of that source, for the record")
    ap.add_argument("--shims", help="dir with stand-in safetensors/tokenizers/huggingface_hub packages")
    ap.add_argument("--tiny-llama", required=True)
    ap.add_argument("--tiny-mistral", required=True)
    ap.add_argument("--tiny-qwen2", required=True)
    ap.add_argument("--seed-llama", type=int, default=DEFAULT_SEEDS["llama"])
    ap.add_argument("--seed-mistral", type=int, default=DEFAULT_SEEDS["mistral"])
    ap.add_argument("--seed-qwen2", type=int, default=DEFAULT_SEEDS["qwen2"])
    ap.add_argument("--work", required=True, help="scratch dir for the per-case checkpoint copies")
    ap.add_argument("--out", required=True, help="output dir for <case>.json")
    ap.add_argument("--cases", nargs="*", default=list(CASES), help="subset of: " + " ".join(CASES))
    ap.add_argument("--self-check", action="store_true")
    args = ap.parse_args()

    # Path setup must happen before importing transformers.
    if args.shims:
        sys.path.insert(0, os.path.abspath(args.shims))
    if args.transformers_src:
        sys.path.insert(0, os.path.abspath(args.transformers_src))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    import torch
    import transformers
    from transformers import AutoModel

    transformers.logging.set_verbosity_error()
    torch.manual_seed(0)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))

    commit = args.transformers_commit
    if commit is None and args.transformers_src:
        try:
            import subprocess
            commit = subprocess.check_output(["git", "-C", args.transformers_src, "rev-parse", "HEAD"],
                                             stderr=subprocess.DEVNULL, text=True).strip()
        except Exception:
            commit = None
    tf_version = transformers.__version__ + (" (git %s)" % commit if commit else "")

    # Debian's python3-torch 1.13.1 reports torch.__version__ == "1.13.0a0"; record the package too.
    torch_version = torch.__version__
    try:
        import subprocess
        deb = subprocess.check_output(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                                      stderr=subprocess.DEVNULL, text=True).strip()
        if deb and torch.__file__.startswith("/usr/lib/python3/"):
            torch_version += " (Debian python3-torch %s)" % deb
    except Exception:
        pass
    command = " ".join(["python3", "scripts/make_hf_reference.py"] + sys.argv[1:])

    tiny = {"llama": args.tiny_llama, "mistral": args.tiny_mistral, "qwen2": args.tiny_qwen2}
    seeds = {"llama": args.seed_llama, "mistral": args.seed_mistral, "qwen2": args.seed_qwen2}
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)

    summary = {}
    for case in args.cases:
        family, overrides, dtype_name, extra = CASES[case]
        dtype = getattr(torch, dtype_name)
        case_dir = os.path.join(args.work, case)
        cfg = prepare_case_dir(tiny[family], case_dir, overrides)
        inputs = make_inputs(extra)

        hidden_all, pooled_all, inv_all = [], [], []
        hidden_t = []
        model = None
        for ids in inputs:
            # Fresh model per input (see module docstring: dynamic RoPE is stateful).
            model = AutoModel.from_pretrained(case_dir, dtype=dtype, attn_implementation="eager")
            model.eval()
            assert model.config._attn_implementation == "eager"
            with torch.no_grad():
                x = torch.tensor([ids], dtype=torch.long)
                out = model(input_ids=x, attention_mask=torch.ones_like(x), use_cache=False)
            h = out.last_hidden_state[0].float()
            pooled = torch.nn.functional.normalize(h[-1], p=2, dim=-1)
            hidden_t.append(h)
            hidden_all.append(rnd(h.tolist()))
            pooled_all.append(rnd(pooled.tolist()))
            # LlamaModel/Qwen2Model hold one model-level rotary_emb; MistralModel (4.47) one per attention layer.
            # (Llama/Qwen2 attention layers also carry an unused, never-updated per-layer copy: skip those.)
            rot = getattr(model, "rotary_emb", None) or model.layers[0].self_attn.rotary_emb
            inv_all.append(rnd(rot.inv_freq.float().tolist()))

        notes = []
        notes.append("Bare %s (AutoModel), eager attention, batch 1, no padding, attention_mask all ones, "
                     "use_cache=False; hidden = last_hidden_state[0] (after final RMSNorm); pooled = "
                     "L2-normalised hidden[-1]. Inputs: random.Random(1234), lengths %s, ids rng.randrange(276). "
                     "A freshly loaded model per input." % (type(model).__name__, [len(s) for s in inputs]))
        if case == "llama-rope-linear":
            notes.append("linear RoPE: inv_freq = default inv_freq / factor (positions effectively divided by 2).")
        if case == "llama-rope-dynamic":
            notes.append(
                "dynamic NTK RoPE (transformers LlamaRotaryEmbedding._dynamic_frequency_update + "
                "_compute_dynamic_ntk_parameters): seq_len = max(position_ids)+1; if seq_len > "
                "max_position_embeddings (32) the WHOLE sequence (all positions, not only those >= 32) uses "
                "inv_freq = 1/(base'^(2i/d)) with base' = rope_theta * ((factor*seq_len/32) - (factor-1))^(d/(d-2)), "
                "d=head_dim=16; otherwise the default inv_freq. No attention scaling. So lengths 1/5/17 are "
                "identical to case 'llama', length 40 uses base' from seq_len 40 and length 60 from seq_len 60 "
                "(see rope_inv_freq per input). Caveat: transformers' module is stateful (keeps the longest "
                "seq_len's inv_freq while the current length is still > 32); references here use a fresh model "
                "per input, i.e. the stateless per-sequence rule.")
        if case == "llama-rope-llama3":
            notes.append("llama3 RoPE: wavelen = 2*pi/inv_freq; wavelen < orig/high_freq_factor keeps inv_freq; "
                         "wavelen > orig/low_freq_factor divides by factor; otherwise smooth = (orig/wavelen - low)/"
                         "(high - low), inv = (1-smooth)*inv/factor + smooth*inv. attention_factor 1.0.")
        if family in ("mistral", "qwen2"):
            W = model.config.sliding_window
            # Read back the 4D mask transformers builds for the longest input and describe it.
            L = max(len(s) for s in inputs)
            # transformers >= 5 builds masks from mask functions (masking_utils); earlier versions
            # from _prepare_4d_causal_attention_mask_with_cache_position.
            from transformers import masking_utils
            fn = (masking_utils.sliding_window_causal_mask_function(W) if W
                  else masking_utils.causal_mask_function)
            qi = torch.arange(L)[:, None].expand(L, L)
            kj = torch.arange(L)[None, :].expand(L, L)
            allowed = fn(torch.tensor(0), torch.tensor(0), qi, kj)
            ii = torch.arange(L)[:, None]
            jj = torch.arange(L)[None, :]
            expect = (jj <= ii) & ((jj > ii - W) if W else torch.ones(L, L, dtype=torch.bool))
            ok = bool(torch.equal(allowed, expect))
            if W:
                notes.append("config.sliding_window = %d. The eager 4D mask built by transformers "
                             "(_prepare_4d_causal_attention_mask_with_cache_position) lets query i attend key j iff "
                             "i - %d < j <= i, i.e. each query sees itself plus the previous %d keys (%d keys in "
                             "all); checked on the length-%d mask: %s." % (W, W, W - 1, W, L, ok))
            else:
                notes.append("No sliding window in effect (config.sliding_window is None): plain causal mask "
                             "(checked: %s)." % ok)
            if family == "qwen2" and W:
                notes.append(
                    "Qwen2 layer types in this transformers version: %s (max_window_layers %s: layers with "
                    "index >= max_window_layers use the window, as EmbedForge does)."
                    % (list(model.config.layer_types), model.config.max_window_layers))
        if dtype_name != "float32":
            notes.append("Loaded with dtype=%s (weights cast from the F32 file); outputs cast to float32. "
                         "Compare to case 'llama' with a loose tolerance." % dtype_name)

        result_check = None
        if args.self_check and dtype_name == "float32":
            weights = read_safetensors(os.path.join(case_dir, "model.safetensors"))
            cfg_full = json.load(open(os.path.join(case_dir, "config.json")))
            diffs = {}
            modes = ["all"]
            if case.startswith("qwen2-window"):
                modes = ["all", "from_max_window_layers", "none"]
            for mode in modes:
                d = 0.0
                for ids, h in zip(inputs, hidden_t):
                    r = ref_forward(weights, cfg_full, ids, window_layers=mode)
                    d = max(d, (r - h).abs().max().item())
                diffs[mode] = d
            result_check = diffs
            if case.startswith("qwen2-window"):
                notes.append("Self-check (independent pure-torch decoder) max abs diff vs transformers: window on "
                             "all layers %.3g; window only on layers >= max_window_layers %.3g; no window %.3g."
                             % (diffs["all"], diffs["from_max_window_layers"], diffs["none"]))
            else:
                notes.append("Self-check: an independent pure-torch decoder (RMSNorm, RoPE, GQA, SwiGLU, "
                             "causal/window mask) matches these hidden states to max abs diff %.3g."
                             % diffs["all"])
        if case == "llama-bf16":
            # compare with F32 run
            ref32 = AutoModel.from_pretrained(case_dir, dtype=torch.float32, attn_implementation="eager")
            ref32.eval()
            dmax, cmin = 0.0, 1.0
            with torch.no_grad():
                for ids, h in zip(inputs, hidden_t):
                    x = torch.tensor([ids])
                    h32 = ref32(input_ids=x, attention_mask=torch.ones_like(x), use_cache=False).last_hidden_state[0]
                    dmax = max(dmax, (h32 - h).abs().max().item())
                    c = torch.nn.functional.cosine_similarity(
                        torch.nn.functional.normalize(h32[-1], dim=-1), torch.nn.functional.normalize(h[-1], dim=-1),
                        dim=0).item()
                    cmin = min(cmin, c)
            notes.append("bf16 vs f32 (same transformers): max abs diff of hidden %.3g, min cosine of pooled %.6f."
                         % (dmax, cmin))
            result_check = {"bf16_vs_f32_max_abs": dmax, "bf16_vs_f32_min_pooled_cos": cmin}

        doc = {
            "case": case,
            "family": family,
            "seed": seeds[family],
            "config_overrides": overrides,
            "model_sha256": sha256_file(os.path.join(case_dir, "model.safetensors")),
            "dtype": dtype_name if dtype_name == "float32" else "%s (outputs as float32)" % dtype_name,
            "produced_by": {
                "transformers": tf_version,
                "torch": torch_version,
                "python": platform.python_version(),
                "attn_implementation": "eager",
                "command": command,
            },
            "notes": " ".join(notes),
            "inputs": inputs,
            "hidden": hidden_all,
            "pooled": pooled_all,
            "rope_inv_freq": inv_all,
        }
        path = os.path.join(args.out, case + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        summary[case] = {"bytes": os.path.getsize(path), "check": result_check}
        print("%-20s %7d bytes  check=%s" % (case, os.path.getsize(path), result_check), flush=True)
    return summary


if __name__ == "__main__":
    main()
