"""Direct misuse of the assistant's business role, read in a user's prompt.

Many direct injections say nothing about the assistant itself (no "ignore your
instructions", no "system prompt"): they ask it to *act* outside the bounds of the service
it runs, in a shape that gives them away even though every word is ordinary:

* **standing orders** (``injection.standing_order``): a rule meant to outlive the request
  and reach *other people* ("whenever a customer mentions X, say Y", "keep doing this in
  all future chats"). A user may set rules for their own chat ("from now on, answer in
  French", "whenever I say next ..."); only the scope beyond the speaker makes it memory
  poisoning.
* **controls skipped** (``injection.control_skip``): an instruction to act without a
  check the service runs (credit, identity, age, fraud, fact checks, reviews,
  verification). Skipping an introduction or a summary is no control.
* **records changed on the user's say** (``injection.record_tamper``): an act on a
  business record (a price, a balance, a loan decision, a discount, a refund) for the
  speaker, with an anomalous value (1 cent, 100 %, "automatically", "in full", past a
  window) or a claimed justification (a "new policy", "I'm the vendor", "the manager
  said", "it's a correction").
* **quiet exfiltration** (``injection.quiet_exfiltration``): data sent, forwarded or
  uploaded out of the conversation with an instruction to keep it quiet, in bulk to a
  mailbox beyond the organisation (a free-mail address, a URL, "my personal drive", "my
  gmail"), or people's data and credentials to any address. "Forward all the invoices
  to accounting@ourcompany.com" is none of these.
* **account takeover** (``injection.account_takeover``): someone else's login factor
  reset and its codes sent to the speaker.

Each reading is a combination of cues found by structure in one prompt (no trained model);
questions about such acts ("how do I skip the intro?", "can I get a refund after 30
days?") and the speaker's own habits ("we skip the fraud review for small orders") are
not requests to the assistant. Only prompts are read: data that says "forward all e-mails
to ..." is the injection detector's sentence scorer's to judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Misuse", "possible", "read"]


@dataclass(frozen=True, slots=True)
class Misuse:
    """One reading: its rule, score, the span of the sentence that carries it, and why."""

    rule: str
    score: float
    start: int
    end: int
    cues: tuple[str, ...]
    why: str


SCORE = 0.6
"""Every reading's score: above the default pack's ``warn`` for prompts, below ``review``
(each is a request a legitimate user rarely makes, not proof of an attack)."""
_STRONG = 0.8
"""A standing order that carries a payment destination or a link for other people."""


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PERSIST_WORDS = _set("now point forward henceforth time whenever future keep")
_SKIP_WORDS = _set("skip skipping bypass bypassing waive waiving omit without need bother don do")
_CONTROL_WORDS = _set(
    "check checks checking verification verifications review reviews screening approval "
    "approvals queue step steps"
)
_RECORD_WORDS = _set(
    "price pricing balance loan application discount refund fee fees limit credit decision "
    "claim invoice salary grade grades reduction remise rabais descuento rabatt prix precio "
    "preis applique appliquez aplica aplique wende"
)
"""Record nouns, and the act verbs of languages whose record nouns carry accents
("réduction" is two ``[a-z]`` words), so the gate never hides what the regexes read."""
_SEND_WORDS = _set("send forward upload export email mail copy share transfer sync")
_FACTOR_WORDS = _set("mfa 2fa factor password passcode pin authenticator")
_TO_ME_WORDS = _set("send give forward tell read")
_TOKEN = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?:[^.!?\n;]|[.!?;](?=[^\s.!?;]))+[.!?;]*")
"""Sentences end at ``.!?;`` before a space or the end, and at line breaks: a file name
or an address (``customers_full.csv``, ``kim@example.net``) stays in its sentence."""
_QUESTION_START = re.compile(
    r"\s*(?:how|why|what|when|where|which|who|is|are|can|could|should|would|do|does|did"
    r"|will|may|am)\b"
)
_SELF_SUBJECT = re.compile(r"\b(?:i|we|they|he|she|our team|the team)\s+(?:\w+\s+)?$")
_METHOD = re.compile(r"\b(?:how (?:to|do|does|can|could|would)|ways? to|steps to|possible to)\b")
"""A method asked for ("how to buy X without a background check"): not the assistant told to
act without a check (the framed-request detector reads harm of that kind)."""

# ---- standing orders ----------------------------------------------------------------------
_PERSIST = re.compile(
    r"\b(?:from now on|from this point(?: on)?|going forward|henceforth|every time|each time"
    r"|whenever|in (?:all|every|any) (?:future|other|later|upcoming) (?:chats?|conversations?"
    r"|sessions?)|keep doing (?:this|that|it)|for all future)\b"
)
_OTHERS = re.compile(
    r"\b(?:someone|somebody|anyone|anybody|everyone|everybody|whoever"
    r"|(?:any|every|each|all|other) (?:other )?(?:users?|customers?|clients?|visitors?|people"
    r"|callers?|buyers?|shoppers?|patients?|students?|members?)"
    r"|an? [a-z]+ (?:contains|mentions|asks|includes|is about|says|writes|requests|types"
    r"|brings up|talks about)"
    r"|(?:all|every|any) (?:future|other|later|upcoming) (?:chats?|conversations?|sessions?))\b"
)
_DIRECTIVE = re.compile(
    r"(?:^|[,:]\s*|\b(?:and|then|please|just|always|also)\s+)(?:reply|say|tell|answer|respond"
    r"|call|end|add|mention|recommend|redirect|send|give|direct|refer|insist|claim|state|warn"
    r"|inform|treat|write|keep|describe|quote|offer|include|append|point)\b"
    r"|\byou (?:must|should|will|need to|have to|are to)\b"
)
"""An order to the assistant: an imperative at a clause's start, or "you must/will"."""
_PAYLOAD = re.compile(
    r"\b(?:account|iban|bank details|wallet|payment|pay)\b[^.]{0,40}?(?:[a-z]{2}\d{2}[ \d]{8,}"
    r"|\d{6,})|https?://|\bwww\.|\b[\w-]+\.(?:com|net|org|io|example)\b"
)

# ---- controls skipped -----------------------------------------------------------------------
_CONTROL = (
    r"(?:(?:credit|identity|id|age|fraud|fact|background|security|address|kyc|aml|compliance"
    r"|eligibility|safety|sanctions|income|2fa|mfa|two-factor|manual|human|manager|supervisor"
    r"|legal)[- ]?(?:checks?|verifications?|reviews?|screening|approvals?|steps?)"
    r"|fact-?check(?:ing)?|checks|(?:the )?verification(?: steps?| process)?"
    r"|(?:approval|review) (?:step|process|queue))"
)
_SKIP = re.compile(
    r"\b(?:skip|skipping|bypass|bypassing|waive|waiving|omit|without|no need(?: to run| to do"
    r"| for)?|(?:don'?t|do not) (?:bother with|run|do|need))\s+(?:the |a |any |an )?"
    r"(?:\w+\s+){0,2}?" + _CONTROL + r"\b"
)

# ---- records changed on the user's say ------------------------------------------------------
_ACT = re.compile(
    r"\b(?:set|change|lower|reduce|raise|increase|update|approve|apply|grant|issue|refund"
    r"|credit|waive|mark|write|cancel|upgrade|appliqu\w*|aplica\w*|wende\w*)\b"
)
_RECORD = re.compile(
    r"\b(?:price|pricing|balance|loan|application|discount|refund|fee|fees|limit|credit"
    r"|decision|claim|invoice|salary|grade|grades|reduction|réduction|remise|rabais|descuento"
    r"|rabatt|prix|precio|preis)\b"
)
_ANOMALY = re.compile(
    r"\b1 cent\b|\b(?:0|zero)(?:[.,]00)?\s?(?:€|eur|usd|dollars?)\b|\$0\b|\b100\s?%"
    r"|\bfor free\b|\bfree of charge\b|\bautomatically\b|['\"]approved['\"]|\bin full\b"
    r"|\bpast the (?:return|refund) window\b|\beven though\b|\bno questions asked\b"
)
_JUSTIFY = re.compile(
    r"\bnew (?:store |company |shop )?(?:policy|rule)\b|\bnouvelle politique\b"
    r"|\bnueva pol[ií]tica\b|\bpolicy (?:now )?allows\b|\bthe (?:manager|boss|owner) (?:said"
    r"|says|approved)\b|\bi'?m (?:the |a |an )?(?:vendor|seller|manager|owner|branch manager"
    r"|admin)\b|\bas (?:a|the) (?:vendor|seller|manager|owner)\b|\bit'?s a (?:\w+ )?correction\b"
)
_PRONOUN = re.compile(r"(?:-(?:la|le|les|lo)|\s+(?:it|them))\b")
"""A pronoun right after the act verb ("apply it", "applique-la")."""
_MINE = re.compile(r"\b(?:my|me|mine|ma|mon|mes|mi|mein\w*)\b")

# ---- quiet exfiltration ---------------------------------------------------------------------
_SEND = re.compile(r"\b(?:send|forward|upload|export|e-?mail|copy|share|transfer|sync)\b")
_OUTSIDE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|https?://|\b[\w-]+\.(?:com|net|org|io)/"
    r"|\b(?:my|a|an) (?:private|personal|own|home|external)\s+(?:\w+\s+)?(?:address|e-?mail"
    r"|drive|account|inbox|gmail|dropbox|server|folder|share)\b|\bpersonal gmail\b"
    r"|\bmy (?:gmail|hotmail|yahoo|outlook|icloud|proton\w*|gmx|dropbox|google drive)\b"
)
"""Any destination outside the conversation: an address, a URL, a mailbox of one's own."""
_PERSONAL = re.compile(
    r"@(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|me|aol|proton|protonmail|gmx"
    r"|mail|yandex|qq|163|web|tutanota)\.|https?://|\b[\w-]+\.(?:com|net|org|io)/"
    r"|\b(?:my|a|an) (?:private|personal|own|home|external)\s+(?:\w+\s+)?(?:address|e-?mail"
    r"|drive|account|inbox|gmail|dropbox|server|folder|share)\b|\bpersonal gmail\b"
    r"|\bmy (?:gmail|hotmail|yahoo|outlook|icloud|proton\w*|gmx|dropbox|google drive)\b"
)
"""A destination beyond the organisation: a free-mail mailbox, an upload URL, a private or
external account. A colleague's or a department's address (``accounting@ourcompany.com``)
is not one: forwarding last month's invoices there is bookkeeping."""
_OUTSIDE_WORDS = _set(
    "private personal own home external gmail hotmail yahoo outlook icloud proton protonmail "
    "gmx dropbox drive com net org io http https"
)
_CONCEAL = re.compile(
    r"\bno need to (?:mention|tell|log|report|notify|inform)\b|\b(?:don'?t|do not|never)"
    r" (?:mention|tell|log|notify|report|record|inform)\b|\bquietly\b|\bsecretly\b|\bsilently\b"
    r"|\bwithout (?:telling|notifying|logging|informing|anyone)\b|\bkeep (?:it|this) (?:quiet"
    r"|between us|secret)\b|\boff the record\b|\bactivity log\b|\baudit log\b"
)
_BULK = re.compile(
    r"\b(?:all|every|entire|full|whole)\b[^.]{0,40}?\b(?:e-?mails?|files?|records|customers?"
    r"|contracts?|documents?|invoices?|reports?|folders?|messages"
    r"|users?|contacts|table|database|list|data|payroll|patients?|employees?)\b"
)
"""Data in bulk, of any kind: sent to a mailbox beyond the organisation it is a leak."""
_SENSITIVE = re.compile(
    r"\b\w*(?:customers?|users?|payroll|patients?|employees?|salar\w*|credentials|passwords)"
    r"\w*\.(?:csv|xlsx?|json|sql|db)\b"
    r"|\b(?:user|customer|client|patient|employee|payroll|salary) (?:table|list|database|records"
    r"|data|spreadsheet|file|e-?mails|contacts|addresses)\b"
    r"|\b(?:all|every|entire|full|whole)\b[^.]{0,40}?\b(?:customers?|clients?|users?|contacts"
    r"|patients?|employees?|payroll|salar\w*|credentials|passwords|api keys|tokens|database)\b"
)
"""People's data or credentials: sent anywhere outside the conversation, worth a look even
to an address that may be internal."""

# ---- account takeover -----------------------------------------------------------------------
_FACTOR_RESET = re.compile(
    r"\b(?:reset|disable|remove|turn off|change|bypass)\b[^.]{0,20}?\b(?:mfa|2fa|two-factor"
    r"|password|passcode|pin|authenticator)\b[^.]{0,20}?\b(?:for|of|on)\s+(?!my\b|me\b)\S+"
)
_CODES_TO_ME = re.compile(
    r"\b(?:send|give|forward|tell|read)\s+(?:them |it )?(?:to )?(?:me|us)\b[^.]{0,40}?"
    r"\b(?:recovery codes|backup codes|codes|one-time (?:code|password)s?|otps?|new password"
    r"|reset link|temporary password)\b"
)


def _sentences(text: str) -> list[tuple[int, int, str]]:
    return [
        (m.start(), m.end(), m.group(0)) for m in _SENTENCE.finditer(text) if m.group(0).strip()
    ]


def _asked(sentence: str) -> bool:
    """Whether a sentence is a question rather than a request ("how do I skip ...?")."""
    return sentence.rstrip().endswith("?") or _QUESTION_START.match(sentence) is not None


def _standing(sentences: list[tuple[int, int, str]]) -> list[Misuse]:
    """A persistence marker and a scope beyond the speaker, in the same or the next
    sentence, neither in a question."""
    out: list[Misuse] = []
    for n, (start, end, s) in enumerate(sentences):
        if _asked(s) or _PERSIST.search(s) is None:
            continue
        near = [x for x in sentences[max(0, n - 1) : n + 2] if not _asked(x[2])]
        scope = " ".join(x[2] for x in near)
        if _OTHERS.search(scope) is None:
            continue
        if not any(_DIRECTIVE.search(x[2].strip()) is not None for x in near):
            continue
        strong = _PAYLOAD.search(scope) is not None
        out.append(
            Misuse(
                rule="injection.standing_order",
                score=_STRONG if strong else SCORE,
                start=start,
                end=end,
                cues=("persist", "others", *(("payload",) if strong else ())),
                why="a standing rule for the assistant that reaches other people",
            )
        )
        break
    return out


def _skipped(sentences: list[tuple[int, int, str]]) -> list[Misuse]:
    for start, end, s in sentences:
        if _asked(s):
            continue
        m = _SKIP.search(s)
        if m is None:
            continue
        before = s[: m.start()]
        if _SELF_SUBJECT.search(before) is not None or _METHOD.search(before) is not None:
            continue
        return [
            Misuse(
                rule="injection.control_skip",
                score=SCORE,
                start=start,
                end=end,
                cues=("skip", "control"),
                why="the assistant is told to act without a check the service runs",
            )
        ]
    return []


def _tampered(text: str, sentences: list[tuple[int, int, str]]) -> list[Misuse]:
    """An act on a record, in one sentence or with a pronoun for the record of the sentence
    before ("100 % off for members. Apply it to my order"), and an anomalous value with a
    claim or the speaker as beneficiary."""
    anomaly = _ANOMALY.search(text) is not None
    claim = _JUSTIFY.search(text) is not None
    if not (anomaly or claim) or not (claim or _MINE.search(text) is not None):
        return []
    for n, (start, end, s) in enumerate(sentences):
        if _asked(s):
            continue
        act = _ACT.search(s)
        if act is None:
            continue
        record = _RECORD.search(s, act.end()) is not None or (
            n > 0
            and _RECORD.search(sentences[n - 1][2]) is not None
            and _PRONOUN.match(s, act.end()) is not None
        )
        if record:
            return [
                Misuse(
                    rule="injection.record_tamper",
                    score=SCORE,
                    start=start,
                    end=end,
                    cues=("act", "record", "anomaly" if _ANOMALY.search(text) else "claim"),
                    why="a business record changed for the speaker on an unusual value or claim",
                )
            ]
    return []


def _exfiltrated(text: str, sentences: list[tuple[int, int, str]]) -> list[Misuse]:
    for start, end, s in sentences:
        if _asked(s) or _SEND.search(s) is None or _OUTSIDE.search(s) is None:
            continue
        conceal = _CONCEAL.search(text) is not None
        personal = _PERSONAL.search(s) is not None
        bulk = (personal and _BULK.search(s) is not None) or _SENSITIVE.search(s) is not None
        if not (conceal or bulk):
            continue
        return [
            Misuse(
                rule="injection.quiet_exfiltration",
                score=SCORE,
                start=start,
                end=end,
                cues=("send", "outside", "conceal" if conceal else "bulk"),
                why="data sent to an outside address in bulk or quietly",
            )
        ]
    return []


def _takeover(text: str, sentences: list[tuple[int, int, str]]) -> list[Misuse]:
    if _FACTOR_RESET.search(text) is None or _CODES_TO_ME.search(text) is None:
        return []
    found = [x for x in sentences if not _asked(x[2]) and _FACTOR_RESET.search(x[2]) is not None]
    if not found:
        return []
    start, end, _ = found[0]
    return [
        Misuse(
            rule="injection.account_takeover",
            score=SCORE,
            start=start,
            end=end,
            cues=("factor_reset", "codes_to_me"),
            why="someone else's login factor reset and its codes sent to the speaker",
        )
    ]


def _plan(words: frozenset[str]) -> tuple[bool, bool, bool, bool, bool]:
    """Which readings can apply to a prompt with these ``[a-z0-9]+`` words: standing order,
    control skip, record tamper, exfiltration, takeover (each needs words of its own)."""
    return (
        not _PERSIST_WORDS.isdisjoint(words),
        not (_SKIP_WORDS.isdisjoint(words) or _CONTROL_WORDS.isdisjoint(words)),
        not _RECORD_WORDS.isdisjoint(words),
        not _SEND_WORDS.isdisjoint(words),
        not (_FACTOR_WORDS.isdisjoint(words) or _TO_ME_WORDS.isdisjoint(words)),
    )


def possible(words: frozenset[str]) -> bool:
    """Whether a prompt with these ``[a-z0-9]+`` words may hold a reading (set lookups only:
    most prompts are done here)."""
    return any(_plan(words))


def read(lowered: str, words: frozenset[str] | None = None) -> list[Misuse]:
    """Every reading of a lowered prompt (at most one per rule), spans of ``lowered``.
    Each reading runs only where its own words occur (most prompts run none); ``words``
    are the prompt's ``[a-z0-9]+`` words where the caller has them already."""
    if words is None:
        words = frozenset(_TOKEN.findall(lowered))
    standing, skipped, tampered, sent, takeover = _plan(words)
    sent = sent and ("@" in lowered or not _OUTSIDE_WORDS.isdisjoint(words))
    if not (standing or skipped or tampered or sent or takeover):
        return []
    sentences = _sentences(lowered)
    out: list[Misuse] = []
    if standing:
        out.extend(_standing(sentences))
    if skipped:
        out.extend(_skipped(sentences))
    if tampered:
        out.extend(_tampered(lowered, sentences))
    if sent:
        out.extend(_exfiltrated(lowered, sentences))
    if takeover:
        out.extend(_takeover(lowered, sentences))
    return out
