"""Train the semantic tier's classifier (build time only; never runs in tests or at run time).

Trains ONLY on ``../shared/datasets/train.jsonl`` (rows of source ``tensor_trust`` are left
out: that source has no licence) and on sentences of :mod:`semantic_generator` (written
here), writes ``src/aimds/detectors/data/semantic_model.json`` and its ``.sha256``, and
reports:

* dev (``dev.jsonl``, never trained on): TPR at 1% and 2% FPR, and the scores of benign
  data at given quantiles (to set the policy levels);
* with ``--loso``, leave-one-source-out over train + dev: for every source with at least
  30 attacks, a model trained on train.jsonl without that source, its threshold set at 1%
  and 2% FPR on the dev benign rows of the *other* sources, TPR and benign FPR measured on
  all rows of the left-out source in train + dev, and the benign_hard FPR of dev.

Rows are scored as the detector scores their kind: ``indirect_injection`` and
``benign_tool_output`` rows as data (the larger of the ``doc`` head on the whole text and
the ``piece`` head on the most suspicious piece), all others as prompts (``doc`` head).

Two heads (see :mod:`aimds.detectors.semantic_model`):

* ``doc``: whole rows of train, plus benign carriers (``benign_tool_output`` and
  ``benign_hard`` rows of train) with a generated instruction planted (positive) or a
  carrier-native sentence planted (negative);
* ``piece``: multiple-instance learning. Negatives: every piece of benign carriers (at most
  40 a row) and carrier-native sentences; positives: generated instructions, short attack
  attack rows whole, and after a first fit the most suspicious piece of each longer
  attack row.

Deterministic (fixed seeds, inputs in file order). Usage::

    PYTHONPATH=src python scripts/train_semantic.py [--loso] [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import semantic_generator as gen  # noqa: E402

from aimds.detectors.semantic_embed import EmbeddingTable, load_table  # noqa: E402
from aimds.detectors.semantic_model import LEXICAL, MODEL_FORMAT, featurize, pieces  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src/aimds/detectors/data"
EXCLUDED_SOURCES = frozenset({"tensor_trust"})
CARRIERS = frozenset({"benign_tool_output", "benign_hard"})
DATA_CATEGORIES = frozenset({"indirect_injection", "benign_tool_output"})
PIECE_ATTACKS = frozenset({"indirect_injection", "direct_injection", "jailbreak", "prompt_leak"})
"""Attack rows the piece head learns from (all of them, as measured best leaving out agentdojo)."""
MIN_ATTACKS = 30
MAX_NEG_PIECES = 40
GENERATED = 3_000
C = 1.0
C_PIECE = 1.0
LENGTH = -len(LEXICAL) + LEXICAL.index("length")
MIN_NEG_LENGTH = np.log1p(4) / 5.0
"""Benign pieces of fewer than four words (WHOIS fields, code lines) are not negatives."""


@dataclass
class Row:
    source: str
    category: str
    label: int
    text: str
    whole: np.ndarray
    parts: np.ndarray  # (n_pieces, features)


class Featurizer:
    """Numpy features equal to what the heads compute in pure Python."""

    def __init__(self, table: EmbeddingTable) -> None:
        self.table = table
        rows = np.frombuffer(table._rows.tobytes(), dtype=np.int8).reshape(table.size, table.dims)
        self.vectors = rows.astype(np.float64) * np.asarray(table.scales)

    def __call__(self, text: str) -> np.ndarray:
        f = featurize(self.table, text)
        lex = np.asarray(f.lexical)
        if not f.ids:
            return np.concatenate([np.zeros(2 * self.table.dims), lex])
        ids = np.asarray(f.ids)
        return np.concatenate([self.vectors[ids].mean(axis=0), self.vectors[ids[0]], lex])

    def parts(self, text: str) -> np.ndarray:
        return np.vstack([self(text[a:b]) for a, b in pieces(text)] or [self(text)])


def load_rows(path: Path, feat: Featurizer) -> list[Row]:
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        r = json.loads(line)
        if r["source"] in EXCLUDED_SOURCES:
            continue
        text = r["text"]
        out.append(
            Row(
                source=r["source"],
                category=r["category"],
                label=int(r["label"]),
                text=text,
                whole=feat(text),
                parts=feat.parts(text),
            )
        )
    return out


class Generated:
    """Generated sentences and planted documents, featurised once."""

    def __init__(self, feat: Featurizer, train_rows: list[Row]) -> None:
        self.instructions = np.vstack([feat(s) for s in gen.instructions(GENERATED)])
        self.native = np.vstack([feat(s) for s in gen.carrier_native(GENERATED // 2)])
        rng = random.Random(5)
        carriers = [r for r in train_rows if r.label == 0 and r.category in CARRIERS]
        planted = gen.instructions(len(carriers), seed=105)
        native = gen.carrier_native(len(carriers), seed=205)
        self.sources = [r.source for r in carriers]
        self.planted = np.vstack(
            [feat(gen.plant(r.text, s, rng)) for r, s in zip(carriers, planted, strict=True)]
        )
        self.native_docs = np.vstack(
            [feat(gen.plant(r.text, s, rng)) for r, s in zip(carriers, native, strict=True)]
        )


def _balance(y: np.ndarray) -> np.ndarray:
    pos, neg = (y == 1).sum(), (y == 0).sum()
    return np.where(y == 1, (pos + neg) / (2 * pos), (pos + neg) / (2 * neg))


def _fit(x: np.ndarray, y: np.ndarray, c: float = C) -> LogisticRegression:
    clf = LogisticRegression(C=c, max_iter=3_000, random_state=0)
    clf.fit(x, y, sample_weight=_balance(y))
    return clf


@dataclass
class Model:
    doc: LogisticRegression
    piece: LogisticRegression


def train(rows: list[Row], g: Generated, exclude: str | None = None) -> Model:
    keep = np.asarray([s != exclude for s in g.sources])
    x = np.vstack([*(r.whole for r in rows), g.planted[keep], g.native_docs[keep]])
    y = np.concatenate(
        [[r.label for r in rows], np.ones(keep.sum(), int), np.zeros(keep.sum(), int)]
    )
    doc = _fit(x, y)
    xs: list[np.ndarray] = [g.native, g.instructions]
    ys: list[np.ndarray] = [np.zeros(len(g.native), int), np.ones(len(g.instructions), int)]
    for r in rows:
        if r.label == 0 and r.category in CARRIERS:
            keep = r.parts[r.parts[:, LENGTH] >= MIN_NEG_LENGTH][:MAX_NEG_PIECES]
            xs.append(keep)
            ys.append(np.zeros(len(keep), int))
        elif r.label == 1 and r.category in PIECE_ATTACKS and len(r.parts) <= 2:
            xs.append(r.whole[None, :])
            ys.append(np.ones(1, int))
    x0, y0 = np.vstack(xs), np.concatenate(ys)
    piece = _fit(x0, y0, C_PIECE)
    extra = [
        r.parts[np.argmax(piece.decision_function(r.parts))]
        for r in rows
        if r.label == 1 and r.category in PIECE_ATTACKS and len(r.parts) > 2
    ]
    if extra:
        x1 = np.vstack([x0, np.vstack(extra)])
        piece = _fit(x1, np.concatenate([y0, np.ones(len(extra), int)]), C_PIECE)
    return Model(doc=doc, piece=piece)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def scores(m: Model, rows: list[Row], as_data: bool | None = None) -> np.ndarray:
    """The detector's score of each row, as data or as a prompt (by category if ``None``)."""
    out = np.empty(len(rows))
    whole = _sigmoid(m.doc.decision_function(np.vstack([r.whole for r in rows])))
    for i, r in enumerate(rows):
        data = r.category in DATA_CATEGORIES if as_data is None else as_data
        out[i] = whole[i]
        if data:
            out[i] = max(out[i], float(_sigmoid(m.piece.decision_function(r.parts).max())))
    return out


def threshold_at(benign: np.ndarray, fpr: float) -> float:
    return float(np.quantile(benign, 1.0 - fpr, method="higher")) + 1e-9


def report_dev(m: Model, dev: list[Row]) -> dict[str, Any]:
    s = scores(m, dev)
    y = np.asarray([r.label for r in dev])
    cats = np.asarray([r.category for r in dev])
    out: dict[str, Any] = {}
    for fpr in (0.01, 0.02):
        t = threshold_at(s[y == 0], fpr)
        out[f"threshold@{fpr}"] = round(t, 4)
        out[f"tpr@{fpr}"] = round(float((s[y == 1] >= t).mean()), 4)
        for cat in sorted(set(cats[y == 1])):
            out[f"tpr@{fpr}:{cat}"] = round(float((s[cats == cat] >= t).mean()), 3)
    benign = [r for r in dev if r.label == 0]
    as_data = scores(m, benign, as_data=True)
    as_prompt = scores(m, benign, as_data=False)
    for q in (0.9, 0.95, 0.98, 0.99):
        out[f"benign_as_data_q{q}"] = round(float(np.quantile(as_data, q)), 4)
        out[f"benign_as_prompt_q{q}"] = round(float(np.quantile(as_prompt, q)), 4)
    return out


def loso(
    train_rows: list[Row], dev_rows: list[Row], g: Generated, only: str | None = None
) -> list[dict[str, Any]]:
    both = train_rows + dev_rows
    attacks: dict[str, int] = {}
    for r in both:
        attacks[r.source] = attacks.get(r.source, 0) + r.label
    table = []
    for src in sorted(s for s, n in attacks.items() if n >= MIN_ATTACKS and only in (None, s)):
        m = train([r for r in train_rows if r.source != src], g, exclude=src)
        bench = [r for r in dev_rows if r.source != src and r.label == 0]
        b = scores(m, bench)
        hard = np.asarray([r.category == "benign_hard" for r in bench])
        held = [r for r in both if r.source == src]
        h = scores(m, held)
        hy = np.asarray([r.label for r in held])
        line: dict[str, Any] = {
            "source": src,
            "attacks": int(hy.sum()),
            "benign": int((hy == 0).sum()),
        }
        for fpr in (0.01, 0.02):
            t = threshold_at(b, fpr)
            line[f"tpr@{fpr}"] = round(float((h[hy == 1] >= t).mean()), 3)
            line[f"src_fpr@{fpr}"] = (
                round(float((h[hy == 0] >= t).mean()), 3) if (hy == 0).any() else None
            )
            line[f"hard_fpr@{fpr}"] = round(float((b[hard] >= t).mean()), 3)
        print(json.dumps(line), flush=True)
        table.append(line)
    return table


def _scores_b64(clf: LogisticRegression, part: slice, feat: Featurizer) -> str:
    shares = (feat.vectors @ clf.coef_[0][part]).astype("<f4")
    return base64.b64encode(shares.tobytes()).decode("ascii")


def export(m: Model, feat: Featurizer, table_sha: str, meta: dict[str, Any]) -> bytes:
    d = feat.table.dims
    heads = {}
    for name, clf in (("doc", m.doc), ("piece", m.piece)):
        coef = clf.coef_[0]
        heads[name] = {
            "bias": round(float(clf.intercept_[0]), 6),
            "mean": [float(v) for v in coef[:d]],
            "first": [float(v) for v in coef[d : 2 * d]],
            "lexical": [round(float(v), 6) for v in coef[2 * d :]],
            "mean_scores": _scores_b64(clf, slice(0, d), feat),
            "first_scores": _scores_b64(clf, slice(d, 2 * d), feat),
        }
    payload = {
        "format": MODEL_FORMAT,
        "embeddings_sha256": table_sha,
        "lexical_names": list(LEXICAL),
        "heads": heads,
        "meta": meta,
    }
    return json.dumps(payload, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent.parent / "shared/datasets")
    parser.add_argument("--loso", action="store_true", help="also run leave-one-source-out")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", help="with --loso: leave out this one source only")
    args = parser.parse_args()
    if not (args.datasets / "train.jsonl").exists():
        args.datasets = Path("/work/shared/datasets")
    table = load_table()
    table_sha = hashlib.sha256((DATA / "semantic_embeddings.bin").read_bytes()).hexdigest()
    feat = Featurizer(table)
    train_rows = load_rows(args.datasets / "train.jsonl", feat)
    dev_rows = load_rows(args.datasets / "dev.jsonl", feat)
    g = Generated(feat, train_rows)
    m = train(train_rows, g)
    dev = report_dev(m, dev_rows)
    print("dev", json.dumps(dev), flush=True)
    meta: dict[str, Any] = {
        "trained_on": "train.jsonl without tensor_trust, plus scripts/semantic_generator.py",
        "rows": len(train_rows),
        "dev": dev,
    }
    if args.loso:
        meta["loso"] = loso(train_rows, dev_rows, g, args.only)
    if not args.no_write:
        blob = export(m, feat, table_sha, meta)
        (DATA / "semantic_model.json").write_bytes(blob)
        digest = hashlib.sha256(blob).hexdigest()
        (DATA / "semantic_model.sha256").write_text(
            f"{digest}  semantic_model.json\n", encoding="ascii"
        )
        print("wrote semantic_model.json", digest)


if __name__ == "__main__":
    main()
