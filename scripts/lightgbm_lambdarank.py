#!/usr/bin/env python3
"""Trains LightGBM lambdarank on a LETOR training file, scores a LETOR test file, and writes
the scores as a TREC run that `tieup eval --run lightgbm=RUN` evaluates with tieup's own
metrics (so LightGBM and tieup's learners are measured the same way, on the same queries).

Queries and document names follow tieup's LETOR reader (src/eval/letor.rs): an inline
`qid:Q` gives the qid Q, else a LightGBM group file FILE.query beside the data gives qids
1, 2, ...; a document is named by the first word of its `# comment`, else d<row in query>.
A FILE.qids map beside the data (written by `tieup eval --export-letor`) turns numeric qids
back into tieup's query ids. Parameters are those of LightGBM's examples/lambdarank/train.conf
(100 trees, learning rate 0.1, 31 leaves, min_data_in_leaf 50, min_sum_hessian_in_leaf 5,
bagging 0.9 every iteration, max_bin 255), single-threaded and deterministic.

Not run in CI (it needs PyPI packages). Usage:
    python3 -m venv /tmp/lgbm && /tmp/lgbm/bin/pip install lightgbm==4.7.0
    /tmp/lgbm/bin/python scripts/lightgbm_lambdarank.py TRAIN TEST RUN
"""
import pathlib
import sys

import lightgbm
import numpy as np

PARAMS = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "ndcg_eval_at": [1, 3, 5],
    "max_bin": 255,
    "learning_rate": 0.1,
    "num_leaves": 31,
    "tree_learner": "serial",
    "feature_fraction": 1.0,
    "bagging_freq": 1,
    "bagging_fraction": 0.9,
    "min_data_in_leaf": 50,
    "min_sum_hessian_in_leaf": 5.0,
    "num_threads": 1,
    "deterministic": True,
    "verbose": -1,
}
ROUNDS = 100


def read_letor(path):
    """Rows as (qid, docno, label, {index: value}) plus query sizes, as tieup reads them."""
    rows = []
    for line in pathlib.Path(path).read_text().splitlines():
        body, _, comment = line.partition("#")
        tokens = body.split()
        if not tokens:
            continue
        qid, features = None, {}
        for token in tokens[1:]:
            key, value = token.split(":", 1)
            if key == "qid":
                qid = value
            else:
                features[int(key)] = float(value)
        comment = comment.strip()
        if comment.startswith("docid"):
            comment = comment[len("docid"):].lstrip().lstrip("=").lstrip()
        docno = comment.split()[0] if comment.split() else None
        rows.append([qid, docno, int(float(tokens[0])), features])
    if rows[0][0] is None:
        sizes = [int(x) for x in pathlib.Path(str(path) + ".query").read_text().split()]
        start = 0
        for number, size in enumerate(sizes, 1):
            for row in rows[start:start + size]:
                row[0] = str(number)
            start += size
    else:
        sizes = []
        for i, row in enumerate(rows):
            if i == 0 or row[0] != rows[i - 1][0]:
                sizes.append(0)
            sizes[-1] += 1
    start = 0
    for size in sizes:
        for r, row in enumerate(rows[start:start + size], 1):
            if row[1] is None:
                row[1] = f"d{r}"
        start += size
    return rows, sizes


def dense(rows, n_features, zero_based):
    x = np.zeros((len(rows), n_features))
    for i, row in enumerate(rows):
        for index, value in row[3].items():
            x[i, index if zero_based else index - 1] = value
    return x


def main():
    train_path, test_path, run_path = sys.argv[1:4]
    train, train_sizes = read_letor(train_path)
    test, _ = read_letor(test_path)
    indices = [i for rows in (train, test) for row in rows for i in row[3]]
    zero_based = 0 in indices
    n_features = max(indices) + (1 if zero_based else 0)
    x_train = dense(train, n_features, zero_based)
    y_train = np.array([row[2] for row in train])
    model = lightgbm.train(
        PARAMS,
        lightgbm.Dataset(x_train, y_train, group=train_sizes),
        num_boost_round=ROUNDS,
    )
    scores = model.predict(dense(test, n_features, zero_based))
    qid_map = {}
    qids_file = pathlib.Path(str(test_path) + ".qids")
    if qids_file.exists():
        for line in qids_file.read_text().splitlines():
            number, name = line.split("\t")
            qid_map[number] = name
    with open(run_path, "w") as out:
        rank = {}
        for row, score in zip(test, scores):
            qid = qid_map.get(row[0], row[0])
            rank[qid] = rank.get(qid, 0) + 1
            # The rank column is informative only; trec_eval and tieup order by score.
            out.write(f"{qid} Q0 {row[1]} {rank[qid]} {float(score)!r} lightgbm\n")
    print(f"lightgbm {lightgbm.__version__}: {len(train_sizes)} training queries, "
          f"{len(test)} test rows scored -> {run_path}")


if __name__ == "__main__":
    main()
