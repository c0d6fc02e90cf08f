"""Presentation helpers for the dashboard: readable times, trust, verification status,
audit rows and record details, the decisions chart.

Templates never print a Python object: every value a page shows passes through one of
these (or is a plain string or number), so no page can dump ``{'...': ...}``, ``None`` or
an epoch float. Times are rendered as ``<time datetime=ISO>`` in UTC; the dashboard's
script rewrites them to the reader's local time.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

__all__ = [
    "COLORS",
    "VERDICTS",
    "AuditRow",
    "ChainStatus",
    "audit_row",
    "chain_status",
    "configure",
    "pretty",
    "timeline_svg",
    "trust_text",
    "when",
]

VERDICTS = ("allow", "warn", "redact", "review", "block")
COLORS = {"allow": "#2e7d32", "warn": "#f9a825", "redact": "#0288d1", "review": "#8e24aa",
          "block": "#c62828"}


def _utc(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def when(ts: float | None, missing: str = "—") -> Markup:
    """A point in time, readable without script (UTC) and made local by the page script."""
    if ts is None:
        return Markup(escape(missing))
    moment = _utc(float(ts))
    iso = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    text = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    return Markup(f'<time datetime="{iso}">{text}</time>')


def duration(seconds: float) -> str:
    """``4 min 10 s``, ``2 h 5 min``, ``3 d 4 h``; negative spans read as ``0 s``."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def text(value: Any, missing: str = "—") -> str:
    """A value as a person reads it: ``—`` for nothing, lists joined, numbers trimmed."""
    if value is None or value == "":
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value) or missing
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {text(v)}" for k, v in value.items()) or missing
    return str(value)


def pretty(value: Any) -> str:
    """Nested data as indented JSON (for record details; wrapped by the stylesheet)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def trust_text(info: Any) -> str:
    """``612 / 1000 (standard)`` from the behaviour stage's ``TrustInfo``."""
    if info is None:
        return "unknown"
    return f"{round(float(info.score))} / 1000 ({info.tier})"


# -- audit ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainStatus:
    """The verification of one tenant's chain, as a sentence and a state."""

    ok: bool
    checked: int
    headline: str
    detail: str = ""
    notes: tuple[str, ...] = ()


def chain_status(result: Any, chain: str | None) -> ChainStatus:
    """Readable verification status from ``AuditLog.verify(chain=...)``'s result, for one
    tenant's chain (``None``: all of them)."""
    reports = [r for r in getattr(result, "reports", ()) if chain is None or r.chain == chain]
    checked = sum(r.checked for r in reports)
    notes = tuple(n for r in reports for n in r.notes)
    problem = next((r.problem for r in reports if r.problem is not None), None)
    signed = " (checkpoint signatures checked)" if getattr(result, "signatures_checked",
                                                           False) else ""
    if problem is not None:
        return ChainStatus(
            ok=False, checked=checked,
            headline=f"Chain broken at record {problem.seq}: {problem.kind}",
            detail=str(problem.detail), notes=notes,
        )
    if not reports:
        return ChainStatus(ok=True, checked=0, headline="No audit records yet.")
    points = sum(r.checkpoints for r in reports)
    where = f"up to record {reports[0].last_seq}" if len(reports) == 1 else \
        f"in {len(reports)} chains"
    return ChainStatus(
        ok=True, checked=checked,
        headline=f"Chain intact: {checked} records verified ({where}), "
        f"{points} checkpoint{'s' if points != 1 else ''}{signed}.",
        notes=notes,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRow:
    """One audit record as a table row."""

    id: str
    ts: float | None
    type: str
    tenant: str
    agent: str
    what: str
    verdict: str
    rules: tuple[str, ...]
    summary: str


def audit_row(data: Mapping[str, Any]) -> AuditRow:
    subject = data.get("subject") or {}
    extra = data.get("data") or {}
    kind = data.get("kind") or ""
    tool = data.get("tool") or ""
    what = " ".join(p for p in (kind, tool) if p) or str(data.get("type", ""))
    rules = tuple(
        str(f.get("rule", "")) for f in data.get("findings") or () if isinstance(f, Mapping)
    ) or tuple(str(r) for r in data.get("rules") or ())
    if data.get("type") == "decision":
        messages = [str(f.get("message", "")) for f in data.get("findings") or ()
                    if isinstance(f, Mapping)]
        summary = "; ".join(m for m in messages if m)[:300]
    else:
        summary = text({k: v for k, v in extra.items() if k != "digest"}, "")[:300]
    return AuditRow(
        id=str(data.get("id", "")), ts=data.get("ts"), type=str(data.get("type", "")),
        tenant=str(subject.get("tenant", "")), agent=str(subject.get("agent", "")), what=what,
        verdict=str(data.get("verdict") or ""),
        rules=tuple(dict.fromkeys(rules)), summary=summary,
    )


# -- the decisions chart ----------------------------------------------------------------------


def timeline_svg(
    rows: Sequence[collections.Counter[str]], first_minute: int, *, width: int = 640,
    height: int = 170,
) -> str:
    """Stacked bars of decisions per minute by verdict, with a time axis (a tick every
    5 minutes, labelled ``HH:MM`` UTC and made local by the page script) and a count axis.
    Only numbers and fixed words are written into it."""
    left, bottom, top = 34, 22, 8
    plot_w, plot_h = width - left - 6, height - bottom - top
    n = max(1, len(rows))
    bar = plot_w / n
    peak = max((sum(r.get(v, 0) for v in VERDICTS) for r in rows), default=0)
    scale = _nice(peak)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20}" '
             'role="img" aria-label="decisions per minute by verdict" class="timeline">']
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" '
                     'class="grid"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
                     f"{scale * frac:g}</text>")
    for i, row in enumerate(rows):
        x = left + i * bar
        y = top + plot_h
        minute = first_minute + i
        for verdict in VERDICTS:
            count = row.get(verdict, 0)
            if not count:
                continue
            h = max(1.0, count / scale * plot_h)
            y -= h
            parts.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(1.0, bar - 2):.1f}" '
                         f'height="{h:.1f}" fill="{COLORS[verdict]}"><title>{verdict}: {count}'
                         "</title></rect>")
        if minute % 5 == 0:
            label = _utc(minute * 60).strftime("%H:%M")
            iso = _utc(minute * 60).isoformat().replace("+00:00", "Z")
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" '
                         f'y2="{top + plot_h + 4}" class="axis"/>')
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 15}" font-size="10" '
                         f'text-anchor="middle" class="tick" data-time="{iso}">{label}</text>')
    parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{top + plot_h}" y2="{top + plot_h}" '
                 'class="axis"/>')
    for j, verdict in enumerate(VERDICTS):
        parts.append(f'<rect x="{left + j * 110}" y="{height + 6}" width="10" height="10" '
                     f'fill="{COLORS[verdict]}"/><text x="{left + j * 110 + 14}" '
                     f'y="{height + 15}" font-size="11">{verdict}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _nice(peak: int) -> int:
    """A round axis maximum at or above ``peak`` (1, 2, 5, 10, 20, 50, ...)."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= peak:
                return max(1, step * m)
        step *= 10


def configure(env: Any) -> None:
    """Register the filters the templates use on a Jinja environment."""
    env.filters["when"] = when
    env.filters["duration"] = duration
    env.filters["text"] = text
    env.filters["pretty"] = pretty
