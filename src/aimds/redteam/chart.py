"""A dependency-free SVG chart of a red-team report: ASR and FPR per technique and goal.

Plain SVG 1.1 written as text (no matplotlib needed), readable in any browser and on
GitHub. Two panels of horizontal bars, one row per technique and per goal: the attack
success rate in red and the false-positive rate on controls in blue, values printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["chart_svg"]

_WIDTH = 760
_LABEL = 150
_BAR = 520
_ROW = 26
_HEAD = 34
_ASR = "#c0392b"
_FPR = "#2e86c1"


def _panel(title: str, rows: Mapping[str, Mapping[str, Any]], top: int) -> tuple[list[str], int]:
    parts = [
        f'<text x="10" y="{top + 20}" font-size="15" font-weight="bold">{escape(title)}</text>'
    ]
    y = top + _HEAD
    for tick in (0, 25, 50, 75, 100):
        x = _LABEL + _BAR * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x:.1f}" y2="{y + _ROW * len(rows)}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{y - 7}" font-size="10" text-anchor="middle" '
            f'fill="#666">{tick}%</text>'
        )
    for name, row in rows.items():
        parts.append(
            f'<text x="{_LABEL - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{escape(name)}</text>"
        )
        for offset, key, color in ((2, "asr", _ASR), (14, "fpr", _FPR)):
            value = row.get(key)
            if value is None:
                continue
            width = max(_BAR * float(value), 0.0)
            parts.append(
                f'<rect x="{_LABEL}" y="{y + offset}" width="{width:.1f}" height="10" '
                f'fill="{color}"><title>{escape(name)} {key.upper()} {value:.1%}</title></rect>'
                f'<text x="{_LABEL + width + 4:.1f}" y="{y + offset + 9}" font-size="10" '
                f'fill="{color}">{value:.0%}</text>'
            )
        y += _ROW
    return parts, y + 10


def chart_svg(report: Mapping[str, Any]) -> str:
    """The chart of a report made by :func:`aimds.redteam.report.summarize`."""
    totals = report["totals"]
    subtitle = (
        f"policy {report['policy']} · seed {report['seed']} · {totals['attacks']} attacks, "
        f"{totals['controls']} controls · ASR {totals['asr']:.1%} · FPR {totals['fpr']:.1%}"
    )
    parts = [
        '<text x="10" y="22" font-size="17" font-weight="bold">AIMDS red team</text>',
        f'<text x="10" y="42" font-size="12" fill="#444">{escape(subtitle)}</text>',
        f'<rect x="10" y="52" width="12" height="10" fill="{_ASR}"/>'
        '<text x="27" y="61" font-size="11">attack success rate</text>'
        f'<rect x="160" y="52" width="12" height="10" fill="{_FPR}"/>'
        '<text x="177" y="61" font-size="11">false-positive rate of the benign controls</text>',
    ]
    y = 68
    for title, key in (("By technique", "per_technique"), ("By goal", "per_goal")):
        panel, y = _panel(title, report[key], y)
        parts += panel
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{y}" '
        f'viewBox="0 0 {_WIDTH} {y}" font-family="Helvetica, Arial, sans-serif">\n'
        f'<rect width="100%" height="100%" fill="#fff"/>\n' + "\n".join(parts) + "\n</svg>\n"
    )
