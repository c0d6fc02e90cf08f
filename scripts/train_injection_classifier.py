"""Rebuild the injection classifier weights from the shared training set.

    .venv/bin/python scripts/train_injection_classifier.py [--datasets DIR] [--out DIR]

Reads ``train.jsonl`` (never dev or test). ``tensor_trust`` rows are excluded because
that source has no licence: the shipped weights must not be derived from it. Deterministic:
fixed seeds, sorted vocabularies, sorted JSON keys; the same inputs give the same bytes.

Augmentation, all written by us (no third-party text):

* the *training half* (even entries) of ``tests/detectors/data/benign_everyday.txt`` and
  ``attacks_paraphrased.txt``; the odd entries stay held out for the tests;
* everyday chat requests generated from templates (:func:`everyday_requests`): the training
  set has no chat logs, its benign prompts are exam and NLP-task prompts, and without
  these a plain "Tell me about dogs." looked like an attack.

Writes ``injection_model.json`` and ``injection_model.sha256`` (checked at load time) and
prints the sources used and out-of-fold metrics. Needs numpy, scipy and scikit-learn
(training only; inference is pure Python, see ``aimds.detectors.classifier``).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import math
import os
import random
import sys
from pathlib import Path
from typing import Any

import generate_prompts
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from aimds.detectors.classifier import (
    BLOCKS,
    CATEGORIES,
    MODEL_FORMAT,
    Features,
    evidence_group,
    featurize,
)
from aimds.detectors.injection import Scanner, view_texts

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "detectors" / "data"
EXCLUDED_SOURCES = frozenset({"tensor_trust"})
CATEGORY_OF = {
    "direct_injection": "injection",
    "indirect_injection": "injection",
    "jailbreak": "jailbreak",
    "prompt_leak": "prompt_leak",
}
FIXTURE_CATEGORY = {
    "direct": "direct_injection",
    "indirect": "indirect_injection",
    "encoded": "direct_injection",
    "jailbreak": "jailbreak",
    "refusal": "jailbreak",
    "leak": "prompt_leak",
    "chat": "benign",
    "doc": "benign_tool_output",
}
MIN_DF = {"word": 3, "bigram": 4, "stem": 3}
FLOOR = 24
"""Word blocks are scaled by 1/sqrt(max(n, FLOOR)): few features in a short text must not
weigh as much as a paragraph's worth of evidence."""
ATTACK_C = 4.0
CATEGORY_C = 4.0
PRUNE = 2e-2
SEED = 1234
MIN_GROUP = 25
SHORT_MARGIN = 1.0
"""A short text with no signal is at least this much less likely (log-odds) to be an
attack than the classifier alone says: few words are weak evidence, and everyday chat,
which the training set lacks, is mostly short."""
"""A calibration group needs this many attacks and benign rows, else it uses the global fit."""
WEIGHT = {
    "benign_tool_output": 4.0,
    "benign_hard": 2.0,
    "aimds_fixture": 3.0,
    "aimds_everyday": 1.0,
    "aimds_prompts": 1.0,
}
"""Hard negatives share documents and vocabulary with attacks (the same e-mail or WHOIS
record with and without a planted instruction); weighting them up teaches the model that
the document is not the attack, the planted instruction is. Our own fixtures are few, so
they weigh more than a single row of the large sets. The generated prompts
(``aimds_prompts``) weigh 1 on both sides: weighted as hard negatives (2) or more (4) they
cost dev and held-out attack TPR for no held-out FPR gain (leave-one-source-out runs).
"""
SOURCE_WEIGHT = {"p3_t0_prompts": 0.5, "gsm8k": 0.5, "mmlu": 0.5}
"""Exam and NLP-task prompts dominate the benign rows; damping them keeps the model from
learning "anything that is not an exam question is an attack"."""

_TOPICS = (
    "dogs",
    "cats",
    "the moon",
    "photosynthesis",
    "jazz",
    "the Roman Empire",
    "black holes",
    "sourdough bread",
    "electric cars",
    "climate change",
    "volcanoes",
    "chess",
    "index funds",
    "vaccines",
    "coffee",
    "Python decorators",
    "SQL joins",
    "the French Revolution",
    "knitting",
    "marathon training",
    "tax returns",
    "mortgages",
    "the Olympics",
    "whales",
    "honey bees",
    "solar panels",
    "meditation",
    "the printing press",
    "quantum computing",
    "machine learning",
    "Kubernetes",
    "recursion",
    "the water cycle",
    "Shakespeare",
    "origami",
    "tomato plants",
    "bird migration",
    "the immune system",
    "inflation",
    "wind energy",
    "my job interview",
    "my garden",
    "our trip to Japan",
    "the football match",
    "the new phone",
    "my sister's wedding",
    "learning Spanish",
    "retirement savings",
    "the Great Wall of China",
    "dinosaurs",
    "healthy breakfasts",
    "time management",
    "public speaking",
    "password managers",
    "two-factor authentication",
    "home Wi-Fi",
    "my order",
    "the invoice",
    "the refund",
    "my subscription",
    "the meeting on Friday",
    "React hooks",
    "Git branches",
    "Docker volumes",
    "unit tests",
    "REST APIs",
)
_FRAMES = (
    "Tell me about {t}.", "What is {t}?", "Can you explain {t}?", "Tell me more about {t}.",
    "I'd like to learn about {t}.", "Give me three facts about {t}.", "How does {t} work?",
    "Write a short poem about {t}.", "What are the pros and cons of {t}?",
    "Help me write an email about {t}.", "Summarise what you know about {t}.",
    "Tell me a joke about {t}.", "Recommend a good book about {t}.",
    "Explain {t} to a ten-year-old.", "What's the history of {t}?", "Any tips about {t}?",
    "Show me an example related to {t}.", "Describe {t} in one paragraph.",
    "Hi! Quick question about {t}.", "Thanks! Now tell me about {t}.",
    "Can you help me with {t}?", "I have a question about {t}.", "Please tell me about {t}.",
    "What should I know about {t}?", "hey, what do you think about {t}",
    "Could you give me a summary of {t}?", "Write a tweet about {t}.",
    "Hello, I need help with {t}.", "Let's talk about {t}.", "Say something nice about {t}.",
    "List five questions about {t}.", "Print a short checklist for {t}.",
    "Repeat the key points about {t}.", "Give me the rules of thumb for {t}.",
    "Pretend you're a teacher and explain {t}.", "Act as an expert on {t} and answer my questions.",
)  # fmt: skip
EVERYDAY_N = 600
WINDOW_AUG = True
PROMPT_AUG = True
"""Add ``scripts/generate_prompts.py``: role-play, security talk, retractions and code as
hard negatives, with role-play jailbreaks, overrides and prompt-leak requests beside them."""
WINDOW = 2_000
"""The detector scores long texts in windows of this many characters (the policy default)."""


def everyday_requests(n: int = EVERYDAY_N) -> list[str]:
    """``n`` distinct everyday chat requests from templates, chosen with a fixed seed."""
    pool = sorted({f.format(t=t) for f in _FRAMES for t in _TOPICS})
    return random.Random(SEED).sample(pool, n)


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fixture_rows(name: str, half: int) -> list[dict[str, Any]]:
    """Rows of one fixture file: its ``half`` (0 = training entries, 1 = held out)."""
    entries = [
        line.split("\t", 1)
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [
        {
            "text": text.replace("\\n", "\n"),
            "label": 0 if kind in {"chat", "doc"} else 1,
            "category": FIXTURE_CATEGORY[kind],
            "source": "aimds_fixture",
        }
        for i, (kind, text) in enumerate(entries)
        if i % 2 == half
    ]


def benign_windows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Windows of long benign texts as extra benign rows.

    The detector scores a long text as the max over overlapping windows, so every window of
    a benign document must look benign on its own, not only the whole (a licence footer cut
    out of a WHOIS record is not an attack even though the full records with a planted
    instruction share it).
    """
    out = []
    step = WINDOW // 2
    for r in rows:
        text = r["text"]
        if r["label"] == 0 and len(text) > WINDOW:
            for start in range(0, len(text) - step, step):
                out.append({**r, "text": text[start : start + WINDOW], "window": True})
    return out


def _features(rows: list[dict[str, Any]]) -> list[Features]:
    out = []
    scanner = Scanner()
    for row in rows:
        primary, extra = view_texts(row["text"])
        signals = scanner.signals([("folded", primary), *extra], data=False)
        out.append(featurize(primary, [s.id for s in signals if s.id in scanner.feature_ids]))
    return out


def _keys(f: Features, block: str) -> frozenset[Any]:
    keys: frozenset[Any] = getattr(f, block + "s")
    return keys


def _name(key: Any) -> str:
    return " ".join(key) if isinstance(key, tuple) else str(key)


def _vocab(feats: list[Features], block: str) -> list[Any]:
    df: collections.Counter[Any] = collections.Counter()
    for f in feats:
        df.update(_keys(f, block))
    return sorted(k for k, n in df.items() if n >= MIN_DF[block])


def _matrix(feats: list[Features], block: str, vocab: list[Any], floor: int) -> csr_matrix:
    index = {k: i for i, k in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        keys = _keys(f, block)
        if not keys:
            continue
        v = 1.0 / math.sqrt(max(len(keys), floor)) if floor else 1.0
        for k in keys:
            c = index.get(k)
            if c is not None:
                rows.append(r)
                cols.append(c)
                vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(feats), len(vocab)), dtype=np.float64)


def _round(x: float) -> float:
    return float(f"{x:.5g}")


def _weights(vocab: list[Any], coef: np.ndarray) -> dict[str, float]:
    return {_name(k): _round(w) for k, w in zip(vocab, coef, strict=True) if abs(w) >= PRUNE}


def _weights_vec(vocab: list[Any], coef: np.ndarray) -> dict[str, list[float]]:
    return {
        _name(k): [_round(x) for x in coef[:, i]]
        for i, k in enumerate(vocab)
        if float(np.abs(coef[:, i]).max()) >= PRUNE
    }


def _platt(decisions: np.ndarray, labels: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e4, max_iter=1000)
    lr.fit(decisions.reshape(-1, 1), labels, sample_weight=weight)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def _offset(z: np.ndarray, y: np.ndarray, weight: np.ndarray) -> float:
    """The log-odds shift that best fits ``y`` given base log-odds ``z`` (weighted)."""

    def loss(o: float) -> float:
        p = 1.0 / (1.0 + np.exp(-(z + o)))
        p = np.clip(p, 1e-9, 1 - 1e-9)
        return float(-(weight * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum())

    return float(minimize_scalar(loss, bounds=(-8.0, 8.0), method="bounded").x)


def _calibrate(
    oof: np.ndarray, y: np.ndarray, weight: np.ndarray, groups: list[str], *, verbose: bool
) -> dict[str, list[float]]:
    """Platt scaling with one slope and a log-odds shift per evidence group.

    Fitted on out-of-fold decision values. The shifts are constrained by what the groups
    mean: missing evidence never raises the probability (shift <= 0 without a signal, and
    <= -SHORT_MARGIN for a short text without one), a signal never lowers it (shift >= 0).
    A group with too few rows of either class keeps the bound.
    """
    g = np.array(groups)
    a, b = _platt(oof, y, weight)
    _log(verbose, f"  calibration overall: a={a:.4f} b={b:.4f}")
    bounds = {
        "nshort": (-8.0, -SHORT_MARGIN),
        "nlong": (-8.0, 0.0),
        "sshort": (0.0, 8.0),
        "slong": (0.0, 8.0),
    }
    out = {}
    for name, (low, high) in bounds.items():
        mask = g == name
        pos, neg = int(y[mask].sum()), int((1 - y[mask]).sum())
        shift = high if name.startswith("n") else low
        if min(pos, neg) >= MIN_GROUP:
            shift = min(max(_offset(a * oof[mask] + b, y[mask], weight[mask]), low), high)
        out[name] = [_round(a), _round(b + shift)]
        _log(verbose, f"  calibration {name}: {pos} attacks, {neg} benign -> shift {shift:+.3f}")
    return out


def datasets_default() -> Path:
    """``$AIMDS_DATASETS``, else ``../shared/datasets`` beside the checkout (as the tests)."""
    env = os.environ.get("AIMDS_DATASETS")
    if env:
        return Path(env)
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "datasets").is_dir():
            return base / "shared" / "datasets"
    return REPO.parent / "shared" / "datasets"


def training_rows(train: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``train`` rows (licence-excluded sources dropped) plus our own augmentation."""
    rows = [r for r in train if r["source"] not in EXCLUDED_SOURCES]
    rows += fixture_rows("benign_everyday.txt", 0) + fixture_rows("attacks_paraphrased.txt", 0)
    rows += [
        {"text": t, "label": 0, "category": "benign", "source": "aimds_everyday"}
        for t in everyday_requests()
    ]
    rows += generate_prompts.generate() if PROMPT_AUG else []
    rows += benign_windows(rows) if WINDOW_AUG else []
    return rows


def row_features(rows: list[dict[str, Any]]) -> list[Features]:
    """Features of every row, as the detector computes them (public for ``scripts/loso.py``)."""
    return _features(rows)


def _log(verbose: bool, msg: str) -> None:
    if verbose:
        print(msg)


def fit(
    rows: list[dict[str, Any]],
    feats: list[Features],
    *,
    folds: int = 5,
    verbose: bool = True,
) -> dict[str, Any]:
    """The model payload (``MODEL_FORMAT``) trained on ``rows`` with features ``feats``.

    ``folds`` out-of-fold splits calibrate the attack model; the leave-one-source-out
    script uses fewer to stay fast.
    """
    sources = collections.Counter(r["source"] for r in rows if not r.get("window"))
    y = np.array([int(r["label"]) for r in rows])
    weight = np.array(
        [
            WEIGHT.get(r["source"], WEIGHT.get(r["category"], 1.0))
            * SOURCE_WEIGHT.get(r["source"], 1.0)
            for r in rows
        ]
    )
    vocabs = {b: _vocab(feats, b) for b in BLOCKS}
    signal_vocab = sorted({s for f in feats for s in f.signals})
    blocks = [_matrix(feats, b, vocabs[b], FLOOR) for b in BLOCKS]
    sig_m = _matrix(feats, "signal", signal_vocab, 0)
    x = hstack([*blocks, sig_m]).tocsr().sorted_indices()
    _log(
        verbose,
        "vocabulary: "
        + ", ".join(f"{b}={len(v)}" for b, v in vocabs.items())
        + f", signal={len(signal_vocab)}",
    )

    def attack_model() -> LogisticRegression:
        return LogisticRegression(C=ATTACK_C, max_iter=5000, class_weight="balanced")

    oof = np.zeros(len(rows))
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(x, y):
        m = attack_model().fit(x[train_idx], y[train_idx], sample_weight=weight[train_idx])
        oof[test_idx] = m.decision_function(x[test_idx])
    auc = float(roc_auc_score(y, oof))
    _log(verbose, f"attack model: out-of-fold ROC-AUC {auc:.4f}")
    platt = _calibrate(oof, y, weight, [evidence_group(f) for f in feats], verbose=verbose)
    if verbose:
        prob = np.array(
            [
                1 / (1 + math.exp(-(platt[evidence_group(f)][0] * d + platt[evidence_group(f)][1])))
                for f, d in zip(feats, oof, strict=True)
            ]
        )
        neg = np.sort(prob[y == 0])
        thr = neg[int(len(neg) * 0.99)]
        tpr = (prob[y == 1] > thr).mean()
        print(f"  out-of-fold TPR at 1% FPR: {tpr:.4f} (threshold {thr:.3f})")
    final = attack_model().fit(x, y, sample_weight=weight)

    sizes = [len(vocabs[b]) for b in BLOCKS]
    edges = np.cumsum([0, *sizes])
    coef = final.coef_[0]
    attack: dict[str, Any] = {
        b: _weights(vocabs[b], coef[edges[i] : edges[i + 1]]) for i, b in enumerate(BLOCKS)
    }
    attack.update(
        bias=_round(float(final.intercept_[0])),
        platt=platt,
        signal=_weights(signal_vocab, coef[edges[-1] :]),
    )

    attack_idx = np.array([i for i, r in enumerate(rows) if r["label"] == 1])
    y_cat = np.array([CATEGORIES.index(CATEGORY_OF[rows[i]["category"]]) for i in attack_idx])
    x_cat = x[attack_idx]

    def category_model() -> LogisticRegression:
        return LogisticRegression(C=CATEGORY_C, max_iter=5000, class_weight="balanced")

    if verbose:
        cat_oof = np.zeros(len(attack_idx), dtype=int)
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(x_cat, y_cat):
            cat_oof[te] = category_model().fit(x_cat[tr], y_cat[tr]).predict(x_cat[te])
        print(
            f"category model: out-of-fold accuracy {(cat_oof == y_cat).mean():.4f} "
            f"on {len(attack_idx)} attacks"
        )
    cat_model = category_model().fit(x_cat, y_cat)
    cc = cat_model.coef_
    category: dict[str, Any] = {
        b: _weights_vec(vocabs[b], cc[:, edges[i] : edges[i + 1]]) for i, b in enumerate(BLOCKS)
    }
    category.update(
        classes=list(CATEGORIES),
        bias=[_round(float(b)) for b in cat_model.intercept_],
        signal=_weights_vec(signal_vocab, cc[:, edges[-1] :]),
    )
    return {
        "format": MODEL_FORMAT,
        "floor": FLOOR,
        "attack": attack,
        "category": category,
        "meta": {
            "trained_on": "train.jsonl + tests/detectors/data (training half) + templates",
            "excluded_sources": sorted(EXCLUDED_SOURCES),
            "sources": dict(sorted(sources.items())),
            "rows": len(rows),
            "oof_auc": _round(auc),
            "hyper": {
                "attack_C": ATTACK_C,
                "category_C": CATEGORY_C,
                "min_df": MIN_DF,
                "prune": PRUNE,
                "floor": FLOOR,
            },
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--datasets", type=Path, default=datasets_default())
    parser.add_argument("--out", type=Path, default=REPO / "src" / "aimds" / "detectors" / "data")
    args = parser.parse_args(argv)

    all_rows = _load(args.datasets / "train.jsonl")
    rows = training_rows(all_rows)
    sources = collections.Counter(r["source"] for r in rows if not r.get("window"))
    print(
        f"train rows: {len(all_rows)}; used {len(rows)} with augmentation; "
        f"excluded sources: {sorted(EXCLUDED_SOURCES)}"
    )
    print("sources used: " + ", ".join(f"{s}={n}" for s, n in sorted(sources.items())))
    payload = fit(rows, row_features(rows))
    attack = payload["attack"]
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "injection_model.json").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (args.out / "injection_model.sha256").write_text(
        f"{digest}  injection_model.json\n", encoding="ascii"
    )
    kept = sum(len(attack[b]) for b in (*BLOCKS, "signal"))
    print(
        f"wrote {args.out / 'injection_model.json'}: {len(data) / 1e6:.2f} MB, "
        f"{kept} attack weights, sha256 {digest}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
