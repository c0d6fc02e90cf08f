"""Independent decoders for the red-team techniques: what a test uses to show that a
generated case really carries its payload (written apart from the generators on purpose)."""

from __future__ import annotations

import base64
import codecs
import json
import re
from urllib.parse import unquote

from aimds.redteam import Case
from aimds.redteam.transforms import HOMOGLYPHS, ZERO_WIDTH
from aimds.types import EventKind

_BACK = {v: k for k, v in HOMOGLYPHS.items()}


def _only(pattern: str, text: str) -> str:
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, found)
    return str(found[0])


def decoded(case: Case) -> str:
    """The instruction a model would act on, recovered from the case's decisive text."""
    text = case.decisive.text
    t = case.technique
    if t in ("plain", "roleplay", "email", "web_page", "code_answer"):
        return text
    if t == "payload_split":
        return "".join(json.loads(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', text))
    if t == "base64":
        return base64.b64decode(_only(r"[A-Za-z0-9+/]{16,}={0,2}", text)).decode()
    if t == "hex":
        return bytes.fromhex(_only(r"[0-9a-f]{16,}", text)).decode()
    if t == "rot13":
        return codecs.decode(text, "rot13")
    if t == "url":
        return unquote(_only(r"(?:%[0-9A-F]{2})+", text))
    if t == "homoglyph":
        return "".join(_BACK.get(c, c) for c in text)
    if t == "invisible":
        tags = "".join(chr(ord(c) - 0xE0000) for c in text if 0xE0000 <= ord(c) <= 0xE007F)
        return tags or "".join(c for c in text if c not in ZERO_WIDTH)
    if t == "table":
        return text.replace('""', '"').replace("\\|", "|")
    if t == "json":
        return "\n".join(strings(json.loads(text)))
    raise AssertionError(f"no decoder for {t}")


def strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def tool_text(case: Case) -> str:
    """Everything the decisive tool call carries, as one string."""
    event = case.decisive
    assert event.kind is EventKind.TOOL_CALL
    return " ".join(str(v) for v in event.args.values())
