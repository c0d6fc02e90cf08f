"""Homoglyphs: letters of other scripts that look like Latin ones, folded to ASCII.

The table is data: one look-alike per entry, each mapping to exactly one ASCII letter so
folding never moves offsets. Full-width forms and mathematical alphanumerics need no entry:
NFKC already maps them to ASCII. Folding is *contextual*: a Cyrillic ``о`` inside a Russian
word is a Russian letter; only words that mix Latin letters with look-alikes, or words made
only of look-alikes in Latin-script text, are folded and reported.
"""

from __future__ import annotations

import re

__all__ = ["CONFUSABLES", "WORD_WITH_CONFUSABLE", "fold_word"]

# Cyrillic (lower, upper), Greek (lower, upper), Armenian, Latin look-alikes (IPA, dotless).
_PAIRS = (
    "аa вb еe кk мm нh оo рp сc тt уy хx іi јj ѕs ԁd ԛq ԝw ӏl һh ɡg үy"
    " АA ВB ЕE КK МM НH ОO РP СC ТT ХX УY ІI ЈJ ЅS ԌG ԚQ ԜW Ӏl"
    " αa βb εe ιi κk νv οo ρp τt υu χx"
    " ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX"
    " օo սu հh ոn"
    " ıi ȷj ɑa ɩi ʀr ʏy ᴀa ᴄc ᴅd ᴇe ᴊj ᴋk ᴍm ᴏo ᴘp ᴛt ᴜu ᴠv ᴡw ᴢz"
)

CONFUSABLES: dict[str, str] = {pair[0]: pair[1] for pair in _PAIRS.split()}
"""Look-alike letter -> the ASCII letter it imitates (one character each)."""

_CLASS = "".join(sorted(CONFUSABLES))

WORD_WITH_CONFUSABLE = re.compile(rf"[^\W\d_]*[{_CLASS}][^\W\d_]*")
"""A run of letters holding at least one look-alike."""

_TRANSLATION = str.maketrans(CONFUSABLES)


def fold_word(word: str, *, latin_context: bool) -> str | None:
    """``word`` with look-alikes folded, or ``None`` when it should stay as written.

    A word is folded when it mixes ASCII letters and look-alikes (``pаypal`` with a
    Cyrillic ``а``), or when it is at least three letters made only of look-alikes and the
    surrounding text is mostly Latin script.
    """
    has_ascii = False
    all_confusable = True
    for ch in word:
        if ch.isascii():
            has_ascii = True
        elif ch not in CONFUSABLES:
            all_confusable = False
    if has_ascii and all_confusable:
        return word.translate(_TRANSLATION)
    if not has_ascii and all_confusable and latin_context and len(word) >= 3:
        return word.translate(_TRANSLATION)
    return None
