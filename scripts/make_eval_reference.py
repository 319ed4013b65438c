#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Expected evaluation figures for tests/data/evalparity, computed by pytrec_eval (trec_eval's code).

    PY=$(scripts/pyref-env.sh)/bin/python
    $PY scripts/make_eval_reference.py tests/data/evalparity > tests/data/evalparity/expected.json

The folder holds a BEIR corpus (beir/) whose qrels have graded judgements, a query whose
judgements are all 0 and a relevant document no run retrieves, queries whose id is also a
document id (ArguAna-style self hits), and a TREC run file (run.trec) with tied scores and a rank
column that disagrees with the scores.

Conventions, as BEIR's EvaluateRetrieval.evaluate applies them on top of pytrec_eval:
- every query of the qrels is evaluated (the run holds them all), all-zero ones included;
- "ignore_self": a hit whose document id equals the query id is removed before evaluation
  (BEIR's ignore_identical_ids=True, its default); "keep_self" evaluates the run as it is;
- nDCG@10 = ndcg_cut_10, Recall@100 = recall_100, MAP@10 = map_cut_10 (pytrec_eval);
- MRR@10 = pytrec_eval's recip_rank on each query's first 10 documents, taken in trec_eval's order
  (score descending, then document id descending, as form_res_rels.c sorts).
The means are over the qrels' queries, to 1e-12 as pytrec_eval gives them.
"""
import json
import os
import sys

import pytrec_eval

try:
    from importlib.metadata import version
except ImportError:  # Python < 3.8
    from importlib_metadata import version


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        next(f)  # header
        for line in f:
            q, d, s = line.rstrip("\n").split("\t")
            qrels.setdefault(q, {})[d] = int(s)
    return qrels


def read_run(path):
    run = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            q, _, d, _, score, _ = line.split()
            run.setdefault(q, {})[d] = float(score)
    return run


def trec_order(docs):
    # trec_eval: score descending, then docno descending (strcmp).
    return sorted(docs.items(), key=lambda kv: (kv[1], kv[0].encode("utf-8")), reverse=True)


def evaluate(qrels, run):
    main = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100", "map_cut.10"})
    top10 = {q: dict(trec_order(docs)[:10]) for q, docs in run.items()}
    rr = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"})
    a, b = main.evaluate(run), rr.evaluate(top10)
    per_query = {}
    for q in sorted(qrels):
        if q not in a:
            sys.exit(f"query {q} of the qrels is missing from the run: pytrec_eval would leave it out")
        per_query[q] = {
            "ndcg@10": a[q]["ndcg_cut_10"],
            "recall@100": a[q]["recall_100"],
            "mrr@10": b[q]["recip_rank"],
            "map@10": a[q]["map_cut_10"],
        }
    n = len(per_query)
    means = {m: sum(v[m] for v in per_query.values()) / n for m in ("ndcg@10", "recall@100", "mrr@10", "map@10")}
    return {"queries": n, "means": means, "per_query": per_query}


def main():
    folder = sys.argv[1]
    qrels = read_qrels(os.path.join(folder, "beir", "qrels", "test.tsv"))
    run = read_run(os.path.join(folder, "run.trec"))
    without_self = {q: {d: s for d, s in docs.items() if d != q} for q, docs in run.items()}
    out = {
        "generator": "scripts/make_eval_reference.py",
        "pytrec_eval": "pytrec-eval-terrier " + version("pytrec-eval-terrier"),
        "run": "run.trec",
        "split": "test",
        "ignore_self": evaluate(qrels, without_self),
        "keep_self": evaluate(qrels, run),
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
