#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peer for bench_dense: FAISS IndexFlatIP (faiss-cpu from PyPI) on the same vectors and queries.

  faiss_peer.py BASE.f32 QUERIES.f32 N DIM NQ K THREADS OUT_PREFIX

Reads row-major float32 files, searches NQ queries for the top K by inner product (best of three),
writes OUT_PREFIX.labels (int64) and OUT_PREFIX.scores (float32), and prints one JSON line:
{"ms": best search time, "faiss": version}. Run by build/bench/bench_dense with the venv of
scripts/pyref-env.sh.
"""
import json
import sys
import time

import faiss
import numpy as np


def main():
    base_path, query_path, n, dim, nq, k, threads, out = sys.argv[1:9]
    n, dim, nq, k, threads = int(n), int(dim), int(nq), int(k), int(threads)
    base = np.fromfile(base_path, dtype=np.float32).reshape(n, dim)
    queries = np.fromfile(query_path, dtype=np.float32).reshape(nq, dim)
    faiss.omp_set_num_threads(threads)
    index = faiss.IndexFlatIP(dim)
    index.add(base)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        scores, labels = index.search(queries, k)
        best = min(best, (time.perf_counter() - t0) * 1000.0)
    labels.astype(np.int64).tofile(out + ".labels")
    scores.astype(np.float32).tofile(out + ".scores")
    print(json.dumps({"ms": best, "faiss": faiss.__version__}))


if __name__ == "__main__":
    main()
