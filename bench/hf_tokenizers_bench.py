#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peer for bench_tokenizer: Hugging Face's Rust `tokenizers` from PyPI (scripts/pyref-env.sh), on the
same tokenizer.json and the same texts (one per line), special tokens added, single-threaded.

Prints "<MB/s> <ids checksum> <token count>" on one line; the checksum is FNV-1a (64-bit) over every
id, computed outside the timed loops. The rate is the faster of one text per call and encode_batch
over 1000 texts (both on one thread: the caller sets TOKENIZERS_PARALLELISM=false, RAYON_NUM_THREADS=1).

Usage: python bench/hf_tokenizers_bench.py TOKENIZER_JSON TEXTS_FILE
"""
import sys
import time

from tokenizers import Tokenizer


def main():
    tok = Tokenizer.from_file(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        lines = [l for l in f.read().split("\n") if l]
    size = sum(len(l.encode("utf-8")) for l in lines)
    for l in lines[:200]:  # warm-up
        tok.encode(l, add_special_tokens=True)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for l in lines:
            tok.encode(l, add_special_tokens=True)
        best = min(best, time.perf_counter() - t0)
    best_batch = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for i in range(0, len(lines), 1000):
            tok.encode_batch(lines[i:i + 1000], add_special_tokens=True)
        best_batch = min(best_batch, time.perf_counter() - t0)
    h, count = 0xCBF29CE484222325, 0
    for l in lines:
        ids = tok.encode(l, add_special_tokens=True).ids
        for i in ids:
            h ^= i
            h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        count += len(ids)
    print("%.3f %x %d" % (size / 1e6 / min(best, best_batch), h, count))


if __name__ == "__main__":
    main()
