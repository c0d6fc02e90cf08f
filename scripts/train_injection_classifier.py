"""Rebuild the injection classifier weights from the shared training set.

    .venv/bin/python scripts/train_injection_classifier.py [--datasets DIR] [--out DIR]

Reads ONLY ``train.jsonl`` (never dev or test). ``tensor_trust`` rows are excluded because
that source has no licence: the shipped weights must not be derived from it. Deterministic:
fixed seeds, sorted vocabularies, sorted JSON keys; the same inputs give the same bytes.

Writes ``injection_model.json`` and ``injection_model.sha256`` (checked at load time) and
prints the sources used and out-of-fold metrics. Needs numpy and scikit-learn (training
only; inference is pure Python, see ``aimds.detectors.classifier``).
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
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from aimds.detectors.classifier import CATEGORIES, MODEL_FORMAT, Features, featurize
from aimds.detectors.injection import Scanner, signal_ids, view_texts

REPO = Path(__file__).resolve().parents[1]
EXCLUDED_SOURCES = frozenset({"tensor_trust"})
CATEGORY_OF = {
    "direct_injection": "injection",
    "indirect_injection": "injection",
    "jailbreak": "jailbreak",
    "prompt_leak": "prompt_leak",
}
MIN_DF = {"word": 3, "bigram": 5, "char": 5}
ATTACK_C = 8.0
CATEGORY_C = 4.0
PRUNE = 2e-2
SEED = 1234
HARD_NEGATIVE_WEIGHT = {"benign_tool_output": 4.0, "benign_hard": 2.0}
"""Hard negatives share documents and vocabulary with attacks (the same e-mail or WHOIS
record with and without a planted instruction); weighting them up teaches the model that
the document is not the attack, the planted instruction is."""


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _features(rows: list[dict[str, Any]]) -> list[Features]:
    out = []
    scanner = Scanner()
    for row in rows:
        primary, _ = view_texts(row["text"])
        out.append(featurize(primary, signal_ids(row["text"], scanner=scanner)))
    return out


def _vocab(feats: list[Features], block: str) -> list[str]:
    df: collections.Counter[str] = collections.Counter()
    for f in feats:
        df.update(getattr(f, block + "s"))
    return sorted(k for k, n in df.items() if n >= MIN_DF[block])


def _matrix(feats: list[Features], block: str, vocab: list[str], normalise: bool) -> csr_matrix:
    index = {k: i for i, k in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        keys = getattr(f, block + "s")
        if not keys:
            continue
        v = 1.0 / math.sqrt(len(keys)) if normalise else 1.0
        for k in keys:
            c = index.get(k)
            if c is not None:
                rows.append(r)
                cols.append(c)
                vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(feats), len(vocab)), dtype=np.float64)


def _round(x: float) -> float:
    return float(f"{x:.5g}")


def _weights(vocab: list[str], coef: np.ndarray) -> dict[str, float]:
    return {k: _round(w) for k, w in zip(vocab, coef, strict=True) if abs(w) >= PRUNE}


def _weights_vec(vocab: list[str], coef: np.ndarray) -> dict[str, list[float]]:
    return {
        k: [_round(x) for x in coef[:, i]]
        for i, k in enumerate(vocab)
        if float(np.abs(coef[:, i]).max()) >= PRUNE
    }


def _platt(decisions: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e6, max_iter=1000)
    lr.fit(decisions.reshape(-1, 1), labels)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--datasets", type=Path, default=REPO.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "aimds" / "detectors" / "data")
    args = parser.parse_args(argv)

    all_rows = _load(args.datasets / "train.jsonl")
    rows = [r for r in all_rows if r["source"] not in EXCLUDED_SOURCES]
    sources = collections.Counter(r["source"] for r in rows)
    print(
        f"train rows: {len(all_rows)}; used {len(rows)}; "
        f"excluded sources: {sorted(EXCLUDED_SOURCES)}"
    )
    print("sources used: " + ", ".join(f"{s}={n}" for s, n in sorted(sources.items())))

    feats = _features(rows)
    y = np.array([int(r["label"]) for r in rows])
    weight = np.array([HARD_NEGATIVE_WEIGHT.get(r["category"], 1.0) for r in rows])
    vocabs = {b: _vocab(feats, b) for b in ("word", "bigram", "char")}
    signal_vocab = sorted({s for f in feats for s in f.signals})
    blocks = {b: _matrix(feats, b, vocabs[b], True) for b in vocabs}
    sig_m = _matrix(feats, "signal", signal_vocab, False)
    x_attack = hstack([blocks["word"], blocks["bigram"], blocks["char"], sig_m]).tocsr()
    print(
        "vocabulary: "
        + ", ".join(f"{b}={len(v)}" for b, v in vocabs.items())
        + f", signal={len(signal_vocab)}"
    )

    def attack_model() -> LogisticRegression:
        return LogisticRegression(C=ATTACK_C, max_iter=3000, class_weight="balanced")

    oof = np.zeros(len(rows))
    for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=SEED).split(
        x_attack, y
    ):
        m = attack_model().fit(x_attack[train_idx], y[train_idx], sample_weight=weight[train_idx])
        oof[test_idx] = m.decision_function(x_attack[test_idx])
    platt = _platt(oof, y)
    prob = 1 / (1 + np.exp(-(platt[0] * oof + platt[1])))
    print(
        f"attack model: out-of-fold ROC-AUC {roc_auc_score(y, oof):.4f}; "
        f"Platt a={platt[0]:.4f} b={platt[1]:.4f}"
    )
    neg = np.sort(prob[y == 0])
    thr = neg[int(len(neg) * 0.99)]
    print(f"  out-of-fold TPR at 1% FPR: {(prob[y == 1] > thr).mean():.4f} (threshold {thr:.3f})")
    final = attack_model().fit(x_attack, y, sample_weight=weight)

    n_w, n_b, n_c = (len(vocabs[b]) for b in ("word", "bigram", "char"))
    coef = final.coef_[0]
    attack = {
        "bias": _round(float(final.intercept_[0])),
        "platt": [_round(platt[0]), _round(platt[1])],
        "word": _weights(vocabs["word"], coef[:n_w]),
        "bigram": _weights(vocabs["bigram"], coef[n_w : n_w + n_b]),
        "char": _weights(vocabs["char"], coef[n_w + n_b : n_w + n_b + n_c]),
        "signal": _weights(signal_vocab, coef[n_w + n_b + n_c :]),
    }

    attack_idx = np.array([i for i, r in enumerate(rows) if r["label"] == 1])
    y_cat = np.array([CATEGORIES.index(CATEGORY_OF[rows[i]["category"]]) for i in attack_idx])
    x_cat = hstack([blocks["word"], blocks["bigram"], sig_m]).tocsr()[attack_idx]
    cat_model = LogisticRegression(C=CATEGORY_C, max_iter=3000, class_weight="balanced")
    cat_oof = np.zeros(len(attack_idx), dtype=int)
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(x_cat, y_cat):
        cat_oof[te] = (
            LogisticRegression(C=CATEGORY_C, max_iter=3000, class_weight="balanced")
            .fit(x_cat[tr], y_cat[tr])
            .predict(x_cat[te])
        )
    print(
        f"category model: out-of-fold accuracy {(cat_oof == y_cat).mean():.4f} "
        f"on {len(attack_idx)} attacks"
    )
    cat_model.fit(x_cat, y_cat)
    cc = cat_model.coef_
    category = {
        "classes": list(CATEGORIES),
        "bias": [_round(float(b)) for b in cat_model.intercept_],
        "word": _weights_vec(vocabs["word"], cc[:, :n_w]),
        "bigram": _weights_vec(vocabs["bigram"], cc[:, n_w : n_w + n_b]),
        "signal": _weights_vec(signal_vocab, cc[:, n_w + n_b :]),
    }

    payload = {
        "format": MODEL_FORMAT,
        "attack": attack,
        "category": category,
        "meta": {
            "trained_on": "train.jsonl",
            "excluded_sources": sorted(EXCLUDED_SOURCES),
            "sources": dict(sorted(sources.items())),
            "rows": len(rows),
            "oof_auc": _round(float(roc_auc_score(y, oof))),
            "hyper": {
                "attack_C": ATTACK_C,
                "category_C": CATEGORY_C,
                "min_df": MIN_DF,
                "prune": PRUNE,
            },
        },
    }
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "injection_model.json").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (args.out / "injection_model.sha256").write_text(
        f"{digest}  injection_model.json\n", encoding="ascii"
    )
    kept = sum(len(attack[b]) for b in ("word", "bigram", "char", "signal"))
    print(
        f"wrote {args.out / 'injection_model.json'}: {len(data) / 1e6:.2f} MB, "
        f"{kept} attack weights, sha256 {digest}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
