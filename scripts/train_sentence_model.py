"""Rebuild the sentence (piece) model of the injection detector for data kinds.

    .venv/bin/python scripts/train_sentence_model.py [--datasets DIR] [--out DIR]

Trains only on ``train.jsonl`` and on the ``train`` split of
``scripts/generate_injections.py`` (never dev; ``tensor_trust`` excluded as for the
classifier). Piece labels:

* generated attacks: the pieces that overlap the planted span are positive, every other
  piece of the document negative (the carrier is benign);
* generated hard negatives, the training half of our own everyday documents
  (``tests/detectors/data/benign_everyday.txt``, even entries) and the documents of
  ``train.jsonl`` (``benign_tool_output``
  and ``benign_hard`` rows of document sources, not the chat-prompt sources, whose
  "I want you to act as ..." requests *are* instructions to an assistant): all pieces
  negative;
* ``indirect_injection`` rows of ``train.jsonl`` do not say which piece is the attack:
  after a first fit, the highest-scoring piece of each becomes a positive (one round of
  multiple-instance learning) and the model is fitted again.

The document decision is the max over pieces; its calibration puts the document-level
threshold that flags 1% of the benign training documents (out of fold, generated ones
included) at probability :data:`OPERATING_P`. (Counting only ``train.jsonl`` documents
raised the threshold and lost more held-out attacks than it saved false positives: those
are confident.) The default pack warns on tool results at 0.5, above this point: measured
leave-one-source-out, benign documents of an unseen source score higher than the training
documents do, and 0.5 kept the held-out false positives near 2% (``scripts/loso.py``).

Writes ``sentence_model.json`` and ``sentence_model.sha256``. Deterministic.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_injections  # noqa: E402
import train_injection_classifier as tic  # noqa: E402

from aimds.detectors.sentences import LEXICAL, MODEL_FORMAT, document_features  # noqa: E402

PROMPT_SOURCES = frozenset(
    {
        "awesome_chatgpt_prompts",
        "wildguard_benign",
        "mmlu",
        "p3_t0_prompts",
        "gsm8k",
        "self_instruct",
        "promptinject",
    }
)
C = 0.5
MIN_DF = 3
SEED = 1234
FOLDS = 3
OPERATING_P = 0.25
TARGET_FPR = 0.01
POS_WEIGHT = 3.0


def sentence_docs(train: list[dict[str, Any]], gen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Training documents: ``text``, ``label``, ``source``, optional ``span``."""
    docs = [
        r
        for r in train
        if r["source"] not in tic.EXCLUDED_SOURCES
        and (
            r["category"] == "indirect_injection"
            or (
                r["category"] in {"benign_tool_output", "benign_hard"}
                and r["source"] not in PROMPT_SOURCES
            )
        )
    ]
    fixtures = [r for r in tic.fixture_rows("benign_everyday.txt", 0) if r["category"] != "benign"]
    return [*docs, *fixtures, *gen]


DocFeatures = list[tuple[tuple[int, int], list[str]]]


def featurise(docs: list[dict[str, Any]]) -> list[DocFeatures]:
    """Piece spans and features of every document (computed once, shared by folds)."""
    out = []
    for d in docs:
        out.append([((p.start, p.end), f) for p, f in document_features(d["text"][:8000])])
    return out


def _overlaps(piece: tuple[int, int], span: list[int]) -> bool:
    a, b = piece
    inter = min(b, span[1]) - max(a, span[0])
    return inter > 0 and (inter >= 0.5 * (b - a) or inter >= 0.5 * (span[1] - span[0]))


def fit_sentence(
    docs: list[dict[str, Any]], feats: list[DocFeatures], *, verbose: bool = True
) -> dict[str, Any]:
    """The piece-model payload trained on ``docs`` (see :func:`sentence_docs`)."""
    df: collections.Counter[str] = collections.Counter()
    for doc in feats:
        seen: set[str] = set()
        for _, f in doc:
            seen.update(f)
        df.update(seen)
    vocab = sorted(k for k, n in df.items() if n >= MIN_DF)
    index = {k: i for i, k in enumerate(vocab)}

    # piece rows: (doc index, piece index, label, weight); MIL docs are filled in later
    rows: list[tuple[int, int]] = []
    labels: list[int] = []
    weights: list[float] = []
    mil: list[int] = []
    for di, (d, doc) in enumerate(zip(docs, feats, strict=True)):
        if d["label"] == 1 and "span" not in d:
            mil.append(di)
            continue
        for pi, (span, _) in enumerate(doc):
            pos = d["label"] == 1 and _overlaps(span, d["span"])
            rows.append((di, pi))
            labels.append(int(pos))
            weights.append(POS_WEIGHT if pos else 1.0)

    def matrix(pairs: list[tuple[int, int]]) -> csr_matrix:
        r, c, v = [], [], []
        for n, (di, pi) in enumerate(pairs):
            for k in feats[di][pi][1]:
                j = index.get(k)
                if j is not None:
                    r.append(n)
                    c.append(j)
                    v.append(LEXICAL if k.startswith("w:") else 1.0)
        return csr_matrix((v, (r, c)), shape=(len(pairs), len(vocab)), dtype=np.float64)

    def model() -> LogisticRegression:
        return LogisticRegression(C=C, max_iter=3000)

    x = matrix(rows)
    m = model().fit(x, labels, sample_weight=weights)
    # one round of multiple-instance learning on the unlabelled attack documents
    extra: list[tuple[int, int]] = []
    for di in mil:
        if feats[di]:
            dec = m.decision_function(matrix([(di, pi) for pi in range(len(feats[di]))]))
            extra.append((di, int(np.argmax(dec))))
    rows_all = rows + extra
    labels_all = labels + [1] * len(extra)
    weights_all = weights + [POS_WEIGHT] * len(extra)
    x_all = matrix(rows_all)
    y_all = np.array(labels_all)
    w_all = np.array(weights_all)
    _log(verbose, f"pieces: {len(rows_all)} ({int(y_all.sum())} positive), vocabulary {len(vocab)}")

    # out-of-fold document decisions (folds by document) for the calibration
    doc_of = np.array([di for di, _ in rows_all])
    fold_of_doc = np.array([(di * 7919 + SEED) % FOLDS for di in range(len(docs))])
    doc_best = np.full(len(docs), -np.inf)
    for k in range(FOLDS):
        tr = fold_of_doc[doc_of] != k
        mk = model().fit(x_all[tr], y_all[tr], sample_weight=w_all[tr])
        te_docs = [di for di in range(len(docs)) if fold_of_doc[di] == k and feats[di]]
        pairs = [(di, pi) for di in te_docs for pi in range(len(feats[di]))]
        if not pairs:
            continue
        dec = mk.decision_function(matrix(pairs))
        for (di, _), v in zip(pairs, dec, strict=True):
            doc_best[di] = max(doc_best[di], v)
    final = model().fit(x_all, y_all, sample_weight=w_all)
    y_doc = np.array([d["label"] for d in docs])
    has = np.isfinite(doc_best)
    threshold = _threshold(doc_best[has & (y_doc == 0)])
    pos = doc_best[has & (y_doc == 1)]
    tpr = float((pos > threshold).mean())
    a = _slope(doc_best[has], y_doc[has])
    b = math.log(OPERATING_P / (1 - OPERATING_P)) - a * threshold
    _log(
        verbose,
        f"out-of-fold documents: TPR {tpr:.4f} at FPR {TARGET_FPR} "
        f"(threshold {threshold:.3f}); platt a={a:.4f} b={b:.4f}",
    )
    coef = final.coef_[0]
    weights_out = {}
    for k, w in zip(vocab, coef, strict=True):
        w = float(w) * (LEXICAL if k.startswith("w:") else 1.0)
        if abs(w) >= 1e-3:
            weights_out[k] = float(f"{w:.5g}")
    return {
        "format": MODEL_FORMAT,
        "bias": float(f"{final.intercept_[0]:.6g}"),
        "weights": weights_out,
        "platt": [float(f"{a:.6g}"), float(f"{b:.6g}")],
        "meta": {
            "trained_on": "train.jsonl documents + scripts/generate_injections.py (train split)",
            "excluded_sources": sorted(tic.EXCLUDED_SOURCES),
            "documents": len(docs),
            "generated": sum(1 for d in docs if "span" in d),
            "pieces": len(rows_all),
            "oof_tpr_at_1pct": float(f"{tpr:.4f}"),
            "hyper": {"C": C, "min_df": MIN_DF, "pos_weight": POS_WEIGHT},
        },
    }


def _threshold(neg: np.ndarray) -> float:
    """The decision that flags :data:`TARGET_FPR` of the benign documents.

    (Weighting every source the same, so that python_docs with most of the benign
    documents does not set the threshold alone, was measured leave-one-source-out: it
    lost more held-out attacks than it saved false positives.)"""
    ranked = np.sort(neg)
    return float(ranked[min(len(ranked) - 1, int(len(ranked) * (1 - TARGET_FPR)))])


def _slope(decisions: np.ndarray, labels: np.ndarray) -> float:
    lr = LogisticRegression(C=1e4, max_iter=1000, class_weight="balanced")
    lr.fit(decisions.reshape(-1, 1), labels)
    return max(float(lr.coef_[0][0]), 0.1)


def _log(verbose: bool, msg: str) -> None:
    if verbose:
        print(msg, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--datasets", type=Path, default=tic.datasets_default())
    parser.add_argument(
        "--out", type=Path, default=tic.REPO / "src" / "aimds" / "detectors" / "data"
    )
    args = parser.parse_args(argv)
    train = tic._load(args.datasets / "train.jsonl")
    gen = generate_injections.training_rows(args.datasets)
    docs = sentence_docs(train, gen)
    payload = fit_sentence(docs, featurise(docs))
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sentence_model.json").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (args.out / "sentence_model.sha256").write_text(
        f"{digest}  sentence_model.json\n", encoding="ascii"
    )
    print(f"wrote sentence_model.json: {len(data) / 1e3:.0f} kB, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
