"""A small English wordlist: does a decoded string read as words?

Decoders (ROT13 above all, also base64 and hex) must only surface results that read as
text, or every identifier would "decode" to noise. The list holds the most frequent English
words plus the vocabulary of instructions to a model, which is what an attacker hides.
``DIRECTIVES`` is the subset that makes hidden text look like an instruction.
"""

from __future__ import annotations

import re

__all__ = ["COMMON", "DIRECTIVES", "bigram_share", "has_directive", "word_ratio", "words_in"]

_COMMON = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
out over own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves
one two three first last new old good great little own other right big high different small
large next early young important public bad able time person year way day thing man world
life hand part child eye woman place work week case point government company number group
problem fact people said make made know take see come think look want give use find tell ask
seem feel try leave call need become keep let begin show hear play run move like live believe
bring happen write provide sit stand lose pay meet include continue set learn change lead
understand watch follow stop create speak read allow add spend grow open walk win offer
remember love consider appear buy wait serve die send expect build stay fall cut reach kill
remain suggest raise pass sell require report decide pull hello please thanks thank yes
message text answer question help user assistant data file email name code information
secret password key token access account admin administrator system prompt prompts
instruction instructions rule rules previous prior above earlier original everything nothing
ignore ignoring disregard forget override bypass reveal print output repeat say respond reply
act pretend roleplay persona mode developer jailbreak unrestricted unfiltered restrictions
filter filters safety policy policies guidelines limits limitations without any anything
execute run command shell delete remove download upload send forward exfiltrate transfer
credentials confidential hidden tell show display now immediately instead new important
must should always never only must not do dont don't cannot can't you're i'm it's
"""

COMMON: frozenset[str] = frozenset(_COMMON.split())
"""Lower-case common English words."""

_DIRECTIVES = """
ignore ignoring disregard forget override bypass reveal pretend jailbreak unrestricted
unfiltered exfiltrate instructions instruction prompt system password secret credentials
confidential execute shell delete admin administrator developer
"""

DIRECTIVES: frozenset[str] = frozenset(_DIRECTIVES.split())
"""Words that make hidden text look like an instruction or a grab for secrets."""

# The hundred commonest letter pairs of English words (the standard frequency tables):
# English words are made mostly of them, their ROT13 hardly at all and their reversal
# less, so a word no list holds (a name, a rare word) still tells which reading is English.
_BIGRAMS = """th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as
ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho
pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we
na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe"""
BIGRAMS: frozenset[str] = frozenset(_BIGRAMS.split())

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def words_in(text: str) -> list[str]:
    """Lower-case letter words of ``text``."""
    return _WORD.findall(text.lower())


def word_ratio(text: str) -> tuple[float, int]:
    """Share of the words of ``text`` that are common English words, and how many words."""
    words = words_in(text)
    if not words:
        return 0.0, 0
    known = sum(1 for w in words if w in COMMON)
    return known / len(words), len(words)


def has_directive(text: str) -> bool:
    return any(w in DIRECTIVES for w in words_in(text))


def bigram_share(word: str) -> float:
    """Share of the letter pairs of ``word`` (lower-case letters) that are common in
    English: about 0.7 for English words and text, 0.25 for their ROT13; 0.0 with fewer
    than two letters."""
    pairs = len(word) - 1
    if pairs < 1:
        return 0.0
    return sum(word[i : i + 2] in BIGRAMS for i in range(pairs)) / pairs
