"""Policy section ``detectors.normalize``: how text views are built (limits, decoders).

Every detector reads the views this section shapes, so the defaults favour catching
obfuscation while bounding the work per event: decoders stop after ``max_decode_depth``
nested layers, ``max_segments`` segments and ``max_decoded_chars`` decoded characters.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from aimds.policy.fields import Section
from aimds.types import Verdict

__all__ = ["DecoderName", "NormalizeSettings"]

DecoderName = Literal[
    "base64",
    "base32",
    "hex",
    "rot13",
    "reversed",
    "url",
    "html",
    "base85",
    "morse",
    "quoted_printable",
    "escapes",
    "hyphenated",
    "identifiers",
]

_ALL_DECODERS: tuple[DecoderName, ...] = get_args(DecoderName)


class NormalizeSettings(Section):
    """Settings for text normalisation and obfuscation findings.

    ``max_chars``: texts longer than this are viewed through their first ``max_chars``
    characters only, and the normalize stage reports ``input.too_large`` with
    ``oversize_action`` (block by default: content past the window was never scanned).
    ``decoders`` lists the encodings looked for inside texts; ``obfuscation_findings``
    switches the ``obfuscation.*`` findings off while keeping the views.
    """

    enabled: bool = True
    max_chars: int = Field(default=1_000_000, ge=1_000, le=100_000_000)
    oversize_action: Verdict = Verdict.BLOCK
    fold_confusables: bool = True
    collapse_leet: bool = True
    decoders: tuple[DecoderName, ...] = _ALL_DECODERS
    max_decode_depth: int = Field(default=2, ge=0, le=5)
    max_segments: int = Field(default=32, ge=0, le=1_000)
    max_decoded_chars: int = Field(default=65_536, ge=0, le=10_000_000)
    min_encoded_chars: int = Field(default=16, ge=8, le=4_096)
    obfuscation_findings: bool = True
