"""Metric math for ``aimds eval``: confusion counts, ROC, percentiles. Pure functions.

Labels are booleans (True = attack / sensitive), scores floats where higher means more
suspicious. Nothing here reads files or prints; the CLI does that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Confusion",
    "GroupRates",
    "LOSO_COLUMNS",
    "by_group",
    "confusion",
    "loso_table",
    "percentile",
    "roc_auc",
    "roc_curve",
    "tpr_at_fpr",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Confusion:
    """Counts of one binary decision against labels, and the rates derived from them.

    A rate whose denominator is zero is ``nan`` (undefined), never a made-up 0 or 1.
    """

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def tpr(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    recall = tpr

    @property
    def fpr(self) -> float:
        return _ratio(self.fp, self.fp + self.tn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if math.isnan(p) or math.isnan(r) or p + r == 0:
            return math.nan if math.isnan(p) or math.isnan(r) else 0.0
        return 2 * p * r / (p + r)

    @property
    def accuracy(self) -> float:
        return _ratio(self.tp + self.tn, self.total)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "tpr": self.tpr,
            "fpr": self.fpr,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def _ratio(num: int, den: int) -> float:
    return num / den if den else math.nan


def confusion(labels: Sequence[bool], flags: Sequence[bool]) -> Confusion:
    """Counts of ``flags`` (the decision) against ``labels`` (the truth)."""
    if len(labels) != len(flags):
        raise ValueError("labels and flags must have the same length")
    tp = fp = tn = fn = 0
    for label, flag in zip(labels, flags, strict=True):
        if label:
            if flag:
                tp += 1
            else:
                fn += 1
        elif flag:
            fp += 1
        else:
            tn += 1
    return Confusion(tp=tp, fp=fp, tn=tn, fn=fn)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupRates:
    """One group's (a source's, a category's) records: how many, and the rates of the
    decision on its attacks (TPR) and on its benign records (FPR)."""

    attacks: int = 0
    benign: int = 0
    caught: int = 0
    false_alarms: int = 0

    @property
    def n(self) -> int:
        return self.attacks + self.benign

    @property
    def tpr(self) -> float:
        return _ratio(self.caught, self.attacks)

    @property
    def fpr(self) -> float:
        return _ratio(self.false_alarms, self.benign)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "attacks": self.attacks,
            "benign": self.benign,
            "tpr": self.tpr,
            "fpr": self.fpr,
        }


def by_group(
    groups: Sequence[str | None], labels: Sequence[bool], flags: Sequence[bool]
) -> dict[str, GroupRates]:
    """:class:`GroupRates` per group name, sorted by name; records without one (``None``)
    are left out."""
    if not len(groups) == len(labels) == len(flags):
        raise ValueError("groups, labels and flags must have the same length")
    counts: dict[str, list[int]] = {}
    for group, label, flag in zip(groups, labels, flags, strict=True):
        if group is None:
            continue
        c = counts.setdefault(group, [0, 0, 0, 0])
        if label:
            c[0] += 1
            c[2] += flag
        else:
            c[1] += 1
            c[3] += flag
    return {
        g: GroupRates(attacks=c[0], benign=c[1], caught=c[2], false_alarms=c[3])
        for g, c in sorted(counts.items())
    }


LOSO_COLUMNS = ("attacks", "tpr", "benign", "fpr", "benign_hard", "benign_hard_fpr")
"""The columns of a leave-one-source-out row, after its ``source``."""


def loso_table(data: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """``(rows, pooled)`` of a leave-one-source-out result, whatever shape it came in.

    Accepted: a list of rows ``{source, attacks, tpr, fpr, benign_hard_fpr, ...}``; or an
    object holding them under ``rows`` (a list) or ``folds`` (a list, or a mapping of source
    to row, as ``scripts/loso.py`` writes), with optional ``pooled`` totals. Missing keys
    read ``None``; numbers stay numbers, anything else becomes ``None``; extra keys are kept.
    ``ValueError`` names the expected shape when there is no list of rows to read.
    """
    pooled = None
    rows: Any = data
    if isinstance(data, Mapping):
        pooled = data.get("pooled") if isinstance(data.get("pooled"), Mapping) else None
        rows = data.get("rows", data.get("folds"))
        if isinstance(rows, Mapping):
            rows = [{"source": src, **row} for src, row in rows.items() if isinstance(row, Mapping)]
    if not isinstance(rows, list):
        raise ValueError(
            "expected a JSON list of rows {source, attacks, tpr, fpr, benign_hard_fpr}, "
            "or an object with 'rows' or 'folds'"
        )
    table = [_loso_row(row) for row in rows if isinstance(row, Mapping)]
    return table, (_loso_row(pooled) if pooled is not None else None)


def _loso_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"source": str(row.get("source", "?"))}
    for key, value in row.items():
        if key != "source":
            out[str(key)] = _loso_value(value)
    for key in LOSO_COLUMNS:
        out.setdefault(key, None)
    return out


def _loso_value(value: Any) -> Any:
    """Numbers, strings and nested objects as they are; anything else (lists, booleans,
    nulls) as ``None``."""
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int | float | str | Mapping) else None


def roc_curve(
    labels: Sequence[bool], scores: Sequence[float]
) -> tuple[list[float], list[float], list[float]]:
    """ROC points ``(fprs, tprs, thresholds)`` from (0, 0) to (1, 1); tied scores form
    one step. Threshold ``t`` means "flag when score >= t"."""
    if len(labels) != len(scores):
        raise ValueError("labels and scores must have the same length")
    pos = sum(1 for label in labels if label)
    neg = len(labels) - pos
    order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
    fprs, tprs, thresholds = [0.0], [0.0], [math.inf]
    tp = fp = 0
    i = 0
    while i < len(order):
        current = scores[order[i]]
        while i < len(order) and scores[order[i]] == current:
            if labels[order[i]]:
                tp += 1
            else:
                fp += 1
            i += 1
        fprs.append(fp / neg if neg else math.nan)
        tprs.append(tp / pos if pos else math.nan)
        thresholds.append(current)
    return fprs, tprs, thresholds


def roc_auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """Area under the ROC curve: the chance that a random positive outscores a random
    negative, ties counting half. ``nan`` without both classes."""
    pos = sum(1 for label in labels if label)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return math.nan
    fprs, tprs, _ = roc_curve(labels, scores)
    area = 0.0
    for k in range(1, len(fprs)):
        area += (fprs[k] - fprs[k - 1]) * (tprs[k] + tprs[k - 1]) / 2
    return area


def tpr_at_fpr(
    labels: Sequence[bool], scores: Sequence[float], max_fpr: float
) -> tuple[float, float]:
    """The best TPR reachable with FPR <= ``max_fpr``, and the threshold that gives it."""
    fprs, tprs, thresholds = roc_curve(labels, scores)
    best, threshold = 0.0, math.inf
    for fpr, tpr, t in zip(fprs, tprs, thresholds, strict=True):
        if not math.isnan(fpr) and fpr <= max_fpr and not math.isnan(tpr) and tpr > best:
            best, threshold = tpr, t
    return best, threshold


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation; ``nan`` when empty."""
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
