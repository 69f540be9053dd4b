#!/usr/bin/env python3
"""Checks a `tieup eval` report against trec_eval itself.

Reads OUT/qrels.txt and every OUT/run-<ranker>.txt that `tieup eval --out OUT` wrote, runs
trec_eval 9 on them through pytrec_eval (the `pytrec-eval-terrier` wheel, which embeds
trec_eval's C code), averages per query over the queries of qrels.txt as tieup does, and
compares with OUT/metrics.json. Exits 1 if any figure differs by more than 1e-6.

Not run in CI (it needs PyPI packages). Usage:
    python3 -m venv /tmp/trec && /tmp/trec/bin/pip install pytrec-eval-terrier
    /tmp/trec/bin/python scripts/trec_eval_check.py OUT
"""
import json
import pathlib
import sys

import pytrec_eval

CUTOFFS = [1, 3, 5, 10, 20, 50]
# tieup key -> trec_eval measure
MAPPING = {"map": "map", "mrr": "recip_rank", "ndcg": "ndcg"}
for k in CUTOFFS:
    MAPPING[f"ndcg@{k}"] = f"ndcg_cut_{k}"
    MAPPING[f"p@{k}"] = f"P_{k}"
    MAPPING[f"recall@{k}"] = f"recall_{k}"
    MAPPING[f"hit@{k}"] = f"success_{k}"


def read_qrels(path):
    qrels = {}
    for line in path.read_text().splitlines():
        if line.strip():
            q, _, d, r = line.split()
            qrels.setdefault(q, {})[d] = int(r)
    return qrels


def read_run(path):
    run = {}
    for line in path.read_text().splitlines():
        if line.strip():
            q, _, d, _, s, _ = line.split()
            run.setdefault(q, {})[d] = float(s)
    return run


def main():
    out = pathlib.Path(sys.argv[1])
    qrels = read_qrels(out / "qrels.txt")
    metrics = json.loads((out / "metrics.json").read_text())
    measures = {"map", "recip_rank", "ndcg", "ndcg_cut", "P", "recall", "success"}
    cut = ",".join(str(k) for k in CUTOFFS)
    evaluator = pytrec_eval.RelevanceEvaluator(
        qrels, {m if m in ("map", "recip_rank", "ndcg") else f"{m}.{cut}" for m in measures}
    )
    worst = 0.0
    for run_path in sorted(out.glob("run-*.txt")):
        ranker = run_path.stem[len("run-"):]
        if ranker not in metrics:
            continue
        per_query = evaluator.evaluate(read_run(run_path))
        for key, measure in MAPPING.items():
            # trec_eval scores a query of qrels.txt; tieup averages over the same queries.
            values = [per_query.get(q, {}).get(measure, 0.0) for q in qrels]
            mean = sum(values) / len(values)
            diff = abs(mean - metrics[ranker][key])
            worst = max(worst, diff)
            if diff > 1e-6:
                print(f"MISMATCH {ranker} {key}: trec_eval {mean:.9f} tieup {metrics[ranker][key]:.9f}")
        print(f"{ranker}: {len(MAPPING)} measures checked")
    print(f"largest difference from trec_eval: {worst:.2e}")
    sys.exit(1 if worst > 1e-6 else 0)


if __name__ == "__main__":
    main()
