"""The sentence scorer's piece features and the segmenter as they were before the speed
work of issue 16 (session 9): the reference that the faster code must equal, feature for
feature and in the same order, on every text (``test_detectors_sentences_equal.py``).
Kept verbatim apart from this header; not imported by the package."""

# ruff: noqa

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aimds.detectors.segments import Piece

MAX_PIECES = 256
_MIN_CHARS = 8
_MAX_PIECE = 600

_HTML_COMMENT = re.compile(r"<!--(.{1,2000}?)-->", re.S)
_HIDDEN = re.compile(
    r"<(\w{1,10})\b[^>]{0,300}?(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0"
    r"|opacity\s*:\s*0(?![.\d])|\bhidden\b|color\s*:\s*#?fff\b|color\s*:\s*white)[^>]{0,300}>"
    r"(.{1,2000}?)</\1\s*>",
    re.S | re.I,
)
_TAG = re.compile(r"</?[a-zA-Z][\w-]{0,20}(?:\s[^<>\n]{0,300})?/?>|<![^<>\n]{0,300}>")
_JSON_STRING = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')
_LINE_COMMENT = re.compile(r"(?m)^[ \t]*(?:#(?!#)|//|--(?!-)|;;)[ \t]?(.{3,})$")
_BLOCK_COMMENT = re.compile(r"/\*(.{3,2000}?)\*/", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=\S)|\s{3,}|\\n|\t")
_CELL = re.compile(r'\s*\|\s*|","|",|,"')


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n\"'`*>-•|,#/;":
        start += 1
    while end > start and text[end - 1] in " \t\r\n\"'`|,":
        end -= 1
    return start, end


def segment(text: str) -> list[Piece]:
    """The pieces of ``text`` in order of position (at most :data:`MAX_PIECES`)."""
    out: list[Piece] = []
    seen: set[tuple[int, int]] = set()

    def add(start: int, end: int, where: str, line: int) -> None:
        start, end = _trim(text, start, end)
        if end - start < _MIN_CHARS or (start, end) in seen:
            return
        if end - start > _MAX_PIECE:
            end = start + _MAX_PIECE
        seen.add((start, end))
        out.append(Piece(start, end, text[start:end], where, line))

    for m in _HTML_COMMENT.finditer(text):
        add(m.start(1), m.end(1), "comment", -1)
    for m in _HIDDEN.finditer(text):
        add(m.start(2), m.end(2), "hidden", -1)
    for m in _BLOCK_COMMENT.finditer(text):
        add(m.start(1), m.end(1), "comment", -1)
    for m in _LINE_COMMENT.finditer(text):
        add(m.start(1), m.end(1), "comment", -1)
    if text.count('"') >= 4:
        for m in _JSON_STRING.finditer(text):
            if m.end(1) - m.start(1) >= 12 and " " in m.group(1):
                _split(text, m.start(1), m.end(1), "value", -1, add)
    line_no = 0
    pos = 0
    n = len(text)
    while pos <= n and len(out) < MAX_PIECES:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        if end > pos:
            line = text[pos:end]
            bars = line.count("|") - line.count("<|") - line.count("|>")
            if bars >= 2 or line.count('","') >= 1:
                for a, b in _spans(line, _CELL):
                    add(pos + a, pos + b, "cell", line_no)
            else:
                _split(text, pos, end, "sentence", line_no, add)
        line_no += 1
        if nl < 0:
            break
        pos = nl + 1
    out.sort(key=lambda p: (p.start, p.end))
    return out[:MAX_PIECES]


def _spans(line: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    spans = []
    at = 0
    for m in sep.finditer(line):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(line)))
    return spans


def _split(
    text: str,
    start: int,
    end: int,
    where: str,
    line: int,
    add: Callable[[int, int, str, int], None],
) -> None:
    """Sentences of ``text[start:end]``, with HTML tags cut out as boundaries."""
    chunk = text[start:end]
    bounds = [(m.start(), m.end()) for m in _TAG.finditer(chunk)] if "<" in chunk else []
    bounds += [(m.start(), m.end()) for m in _SENTENCE_END.finditer(chunk)]
    bounds.sort()
    at = 0
    for a, b in bounds:
        if a > at:
            add(start + at, start + a, where, line)
        at = max(at, b)
    if at < len(chunk):
        add(start + at, end, where, line)


_TOKENS = re.compile(r"[a-z0-9_']+")
_MAX_WORDS = 40


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _pairs(phrases: str) -> frozenset[tuple[str, str]]:
    return frozenset(tuple(p.split()) for p in phrases.split(",") if p.strip())  # type: ignore[misc]


# Word and word-pair sets: one set intersection per feature keeps a piece at a few
# microseconds (regex alternations over every piece cost ten times more).
_IMPERATIVE = _set(
    "ignore disregard forget stop reply respond answer write say tell print output include "
    "add append insert mention recommend promote send forward email e-mail post upload fetch "
    "download visit open click call invoke execute run transfer delete share create translate "
    "provide return encode format make ensure remember summarize summarise repeat render "
    "collect paste inform warn ask convince use switch change end start begin put give show "
    "list describe explain speak augment reveal disclose leak update do don't never always "
    "please"
)
_MODAL = _pairs(
    "can you,could you,would you,will you,won't you,you must,you should,you need,you have,"
    "you will,you are to,you shall,make sure,want you,you're going"
)
_REPLY_NOUNS = _set(
    "reply replies response responses answer answers output summary message task instructions "
    "instruction job role duty"
)
_AI = _set("assistant ai chatbot llm gpt claude gemini copilot model agent bot agents assistants")
_INSTR = _set("instruction instructions task prompt system directive directives")
_READER = _set("user reader human customer recipient user's reader's")
_LANGS = _set(
    "german french spanish italian portuguese dutch polish japanese chinese russian turkish "
    "swedish korean hindi arabic greek english latin finnish danish norwegian czech"
)
_ENCODINGS = _set(
    "base32 base64 hex hexadecimal rot13 morse binary leetspeak leet caesar uppercase emoji "
    "emojis haiku limerick json yaml xml pirate rhyming shakespearean encoded encoding"
)
_ENCODING_PAIRS = _pairs("base 32,base 64,rot 13,pig latin,all caps,upper case,reverse order")
_REPLY_VERBS = _set(
    "reply respond answer write speak output return translate encode format replies responds "
    "answers writes written formatted encoded translated"
)
_PREPS = _set("in into as using with")
_TOOL = _set(
    "send forward post upload fetch download open visit click call invoke execute run transfer "
    "delete share submit curl wget browse navigate purchase buy pay"
)
_SECRET = _set(
    "password passwords credential credentials token tokens secret secrets ssh ssn cookie "
    "cookies inbox contacts 2fa otp"
)
_SECRET_PAIRS = _pairs(
    "api key,api keys,credit card,card details,system prompt,conversation history,home address,"
    "private key,verification code,access tokens,chat history,security code,reset code,"
    "login code,bank account,account number,iban"
)
_OVERRIDE = _set("ignore disregard forget instead override")
_OVERRIDE_PAIRS = _pairs(
    "new task,new instructions,from now,this point,stop what,of plans,not tell,don't tell,"
    "real job,actually wants"
)
_FIRST_PERSON = _set("i my me we our us i'm i've i'll")
_URGENCY = _set("important urgent attention immediately asap must mandatory")
_INSERTION = _set(
    "mention include recommend promote advertise advertisement augment append insert sponsored "
    "breaking"
)
_INSERTION_PAIRS = _pairs("latest update,say that,tell the,add a,end every,the latest")
_DISCUSS = _set(
    "attack attacks attacker attackers injection injected jailbreak jailbreaks malicious "
    "adversarial researchers researcher example e.g such instance filter flags flag detect "
    "detects detection detector phishing scam trick tricked hijack hijacking vulnerability "
    "threat exploit exploits"
)
_FUNCTION_WORDS = _set(
    "the a an this that these those of to in on at for with and or but is are was were be been "
    "it its as by from only all any some here there then than so also just"
)
"""Not word features: our generators write their templates with a few function words
("... of this document", "reply only with ..."), and the model learned them as attack
words, so a licence footer ("use this data only for lawful purposes") read as one."""
_CODE_EXFIL = re.compile(
    r"requests\.post|urlopen|curl |wget |socket\.|create_connection|fetch\(|iwr |invoke-web|"
    r"os\.environ|\$\(env\)|uname|whoami|document\.cookie|/etc/passwd|\.aws/|\.ssh/|"
    r"\| ?(?:ba)?sh\b|getpass|subprocess|check_output"
)
_CODE_HINT = frozenset("(.$|/")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.\w")
_QUOTED = re.compile(r"['\"“‘][^'\"“”‘’]{8,}['\"”’]")
_LEAD = re.compile(r"[^:]{0,40}?:\s+")
_TAG_LEAD = re.compile(r"(?:#{1,6}\s*)?[(\[<{]{1,2}[\w .:-]{1,30}[)\]>}]{1,2}[\s:]*")
"""A bracketed tag before the sentence, ``(system_message)``, ``[admin]``, ``<note>``: read
past it for the first word, and keep the fact as a feature."""
_ACCOUNT = re.compile(r"\b[a-z]{2}\d{2}[a-z0-9]{10,30}\b")
"""An IBAN-shaped account number: a destination for money, like a URL is for data."""
_CHAT = re.compile(r"\[[\d:]{3,8}\]\s*[\w .'-]{1,30}:\s*")
_ROLE = re.compile(
    r"(?:[\w /'-]{1,30}:\s*)?[\[<(#*\s]{0,4}(?:system|assistant|user|human|admin|administrator|"
    r"developer|operator|ai|model)(?:\s+(?:message|note|prompt|request|instruction))?\s*"
    r"(?:[\]>)*]{0,3}\s*:|[\]>)]|::)"
)
"""A conversation role at the start of a piece, ``System:``, ``User: ...``, ``[admin]``,
also behind a field label (``Registrant: SYSTEM: ...``): data that stages turns of a chat
between the user and the assistant is writing the assistant's script."""
_SPECIAL = re.compile(
    r"<\|[a-z_]{2,20}\|>|\[/?inst\]|<</?sys>>|#{2,4} ?(?:instruction|system|response)"
)
"""Chat-template control tokens (``<|im_start|>``, ``[INST]``, ``### Instruction``): no
ordinary document carries them."""
_CONDITIONAL = _pairs("if asked,if questioned,if anyone,if the,when asked,if you,if prompted")
_EVALUATOR = _set(
    "automated screening scanner scan evaluate evaluating evaluation assess assessment "
    "reviewer grader analysis analyser analyzer classifier"
)


@dataclass(frozen=True, slots=True)
class _DocContext:
    n: int
    imperative_rate: float
    you_rate: float
    structured: bool


@dataclass(slots=True)
class _Piece:
    """Tokens of one piece, computed once."""

    folded: str
    words: list[str]
    first: str
    after: str
    lead_words: int
    tagged: bool


def _tokens(raw: str) -> _Piece:
    folded = raw.casefold()
    body = folded
    tagged = False
    if body.startswith("["):
        m = _CHAT.match(body)
        if m:
            body = body[m.end() :]
    while body.startswith("<|"):  # a control token before the words: read past it
        close = body.find("|>", 2, 24)
        if close < 0:
            break
        body = body[close + 2 :].lstrip()
    if body[:1] in "([<#{":
        m = _TAG_LEAD.match(body)
        if m:
            body, tagged = body[m.end() :], True
    words = _TOKENS.findall(body)
    first = words[0] if words else ""
    after = ""
    lead = 99
    colon = body.find(":", 0, 42)
    if colon >= 0:
        rest = _TOKENS.findall(body[colon + 1 : colon + 40])
        after = rest[0] if rest else ""
        lead = len(_TOKENS.findall(body[:colon]))
    return _Piece(folded, words, first, after, lead, tagged)


def _context(text: str, toks: Sequence[_Piece]) -> _DocContext:
    n = len(toks)
    imp = sum(1 for t in toks if t.first in _IMPERATIVE or t.after in _IMPERATIVE)
    you = sum(1 for t in toks if "you" in t.words or "your" in t.words)
    head = text[:400]
    structured = (
        head.lstrip()[:1] in "{[<"
        or head.count("|") >= 4
        or head.count(",") >= 8
        or head.count('":') >= 2
        or "def " in head
        or "```" in head
    )
    return _DocContext(n, imp / n if n else 0.0, you / n if n else 0.0, structured)


def piece_features(
    piece: Piece, tok: _Piece, index: int, ctx: _DocContext, turn: bool = False
) -> list[str]:
    """The feature names that are on for ``piece`` (binary features); ``turn``: the piece
    is on a line that opens with a conversation role (``User: ...``)."""
    folded = tok.folded
    words = tok.words[:_MAX_WORDS]
    wset = set(words)
    pairs = set(zip(words, words[1:], strict=False))
    first, after = tok.first, tok.after
    f: list[str] = [f"where:{piece.where}"]
    imp = first in _IMPERATIVE or after in _IMPERATIVE
    if imp:
        f.append("imperative")
    if after and tok.lead_words <= 4:
        f.append("label_prefix")
    if "please" in wset:
        f.append("please")
    you = "you" in wset or "your" in wset
    if you:
        f.append("you")
    if pairs & _MODAL:
        f.append("modal_you")
    if "your" in wset and any(b in _REPLY_NOUNS for a, b in pairs if a == "your"):
        f.append("your_reply")
    ai = not wset.isdisjoint(_AI)
    if ai:
        f.append("ai_ref")
    if not wset.isdisjoint(_INSTR):
        f.append("instr_ref")
    if "the" in wset and any(b in _READER for a, b in pairs if a == "the"):
        f.append("user_ref")
    lang = not wset.isdisjoint(_LANGS)
    if lang:
        f.append("language")
    enc = not wset.isdisjoint(_ENCODINGS) or bool(pairs & _ENCODING_PAIRS)
    if enc:
        f.append("encoding")
    if not wset.isdisjoint(_REPLY_VERBS) and not wset.isdisjoint(_PREPS):
        f.append("format_dir")
        if lang or enc:
            f.append("format_dir&lang_or_enc")
    tool = not wset.isdisjoint(_TOOL)
    if tool:
        f.append("tool_verb")
    if not wset.isdisjoint(_SECRET) or pairs & _SECRET_PAIRS:
        f.append("secret")
        if tool:
            f.append("secret&tool")
    override = not wset.isdisjoint(_OVERRIDE) or bool(pairs & _OVERRIDE_PAIRS)
    if override:
        f.append("override")
    if not wset.isdisjoint(_URGENCY):
        f.append("urgency")
    if not wset.isdisjoint(_INSERTION) or pairs & _INSERTION_PAIRS:
        f.append("insertion")
    if not _CODE_HINT.isdisjoint(folded) and _CODE_EXFIL.search(folded):
        f.append("code_exfil")
    url = "http" in folded or "www." in folded or "](" in folded
    if url:
        f.append("url")
    email = "@" in folded and bool(_EMAIL.search(folded))
    if email:
        f.append("email_addr")
    account = any(c.isdigit() for c in folded) and bool(_ACCOUNT.search(folded))
    if account:
        f.append("account_number")
    if tok.tagged:
        f.append("tag_prefix")
    if _ROLE.match(folded):
        f.append("role_marker")
    if turn:
        f.append("role_turn")
        if imp or "modal_you" in f:
            f.append("role_turn&request")
    if ("<" in folded or "[" in folded or "#" in folded) and _SPECIAL.search(folded):
        f.append("special_token")
    if pairs & _CONDITIONAL and not wset.isdisjoint(_REPLY_VERBS | _IMPERATIVE):
        f.append("conditional_directive")
    if not wset.isdisjoint(_EVALUATOR):
        f.append("evaluator")
        if ai or imp or you:
            f.append("evaluator&addressed")
    if tool and (url or email or account):
        f.append("tool&destination")
    discuss = not wset.isdisjoint(_DISCUSS)
    if discuss:
        f.append("discuss")
    raw = piece.raw
    if ('"' in raw or "'" in raw or "“" in raw or "‘" in raw) and _QUOTED.search(raw):
        f.append("quoted")
    if folded.rstrip().endswith("?"):
        f.append("question")
    if len(words) > 2 and raw.isupper():
        f.append("all_caps")
    last = index == ctx.n - 1
    if last:
        f.append("pos_last")
    if index == 0:
        f.append("pos_first")
    # context: how surprising an instruction is in this document
    if imp:
        f.append("imp&doc_imp_high" if ctx.imperative_rate > 0.3 else "imp&doc_imp_low")
        if ai or "your_reply" in f:
            f.append("imp&addressed")
        if last:
            f.append("imp&last")
        if piece.where != "sentence":
            f.append(f"imp&{piece.where}")
        if ctx.structured:
            f.append("imp&structured")
        if override:
            f.append("imp&override")
        if "quoted" in f:
            f.append("imp&quoted")
    if you:
        f.append("you&doc_you_high" if ctx.you_rate > 0.3 else "you&doc_you_low")
    if ai and discuss:
        f.append("ai&discuss")
    if override and last:
        f.append("override&last")
    if not wset.isdisjoint(_FIRST_PERSON):
        f.append("first_person")
        if override:
            # "please ignore my previous e-mail": a correction between people
            f.append("override&first_person")
    n = len(tok.words)
    f.append("len:short" if n < 6 else "len:mid" if n < 25 else "len:long")
    f.extend(["w:" + w for w in wset if w not in _FUNCTION_WORDS])
    return f



def document_features(text: str) -> list[tuple[Piece, list[str]]]:
    """Every piece of ``text`` with its features (training and inference share this)."""
    pieces = segment(text)
    toks = [_tokens(p.raw) for p in pieces]
    ctx = _context(text, toks)
    turns = {
        p.line
        for p, t in zip(pieces, toks, strict=True)
        if p.line >= 0 and (":" in t.folded or "]" in t.folded) and _ROLE.match(t.folded)
    }
    return [
        (p, piece_features(p, t, i, ctx, p.line in turns))
        for i, (p, t) in enumerate(zip(pieces, toks, strict=True))
    ]


