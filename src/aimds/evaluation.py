"""Metric math for ``aimds eval``: confusion counts, ROC, percentiles. Pure functions.

Labels are booleans (True = attack / sensitive), scores floats where higher means more
suspicious. Nothing here reads files or prints; the CLI does that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Confusion",
    "confusion",
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
