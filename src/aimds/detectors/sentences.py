"""Sentence-level scoring of data: is one piece an instruction addressed to the assistant?

Tool results, retrieved documents and agent messages are cut into pieces
(:mod:`aimds.detectors.segments`); each piece gets features of two kinds:

* *addressing*: an imperative opening (a verb of the kind one gives an assistant: reply,
  send, include, ignore, translate ...), second person (``you``, ``your reply``), a
  question asking for something (``can you ...?``), directives about the reply's language,
  format or encoding, requests to send/fetch/post/run/call, references to the assistant,
  AI or model, URLs, e-mail addresses, secrets, code that sends machine data out;
* *context*: where the piece sits (last or first, inside a comment, hidden by markup, a
  table cell or JSON value), whether the rest of the document speaks to a reader at all
  (a recipe or README is full of imperatives, so one more is no surprise; one imperative in
  a table or an e-mail body is), and whether the piece *discusses* attacks (quotes,
  "attackers", "injection").

plus the piece's words. A linear model turns them into a decision value per piece; the
document's decision is the *largest* piece decision, calibrated on documents, so a long
benign context cannot dilute one planted sentence. ``scripts/train_sentence_model.py``
builds the weights (JSON, SHA-256 checked at load, like :mod:`aimds.detectors.classifier`).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from aimds.detectors.segments import Piece, segment
from aimds.detectors.weights import load_json_weights
from aimds.errors import ConfigError
from aimds.text.tokens import WordSplitter

__all__ = [
    "MODEL_FORMAT",
    "DocumentScore",
    "LazySentenceModel",
    "PieceScore",
    "SentenceModel",
    "document_features",
    "load_sentence_model",
]

MODEL_FORMAT = "aimds.sentence_model/1"
# The constants the per-piece code reads are ``Final``: compiled, mypyc keeps them in C
# statics (the bit flags become literals) instead of a module-dict lookup per reference,
# several per word of every piece.
_WORDS: Final = WordSplitter("abcdefghijklmnopqrstuvwxyz0123456789_'")
"""A piece's words: the runs of ``[a-z0-9_']`` in its case-folded text."""
_MAX_WORDS: Final = 40


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _pairs(phrases: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(p.split()) for p in phrases.split(",") if p.strip())


# Word and word-pair sets, looked up per word through one table (``_LEXICON`` below):
# regex alternations over every piece cost ten times more.
_IMPERATIVE: Final = _set(
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
_FUNCTION_WORDS: Final = _set(
    "the a an this that these those of to in on at for with and or but is are was were be been "
    "it its as by from only all any some here there then than so also just"
)
"""Not word features: our generators write their templates with a few function words
("... of this document", "reply only with ..."), and the model learned them as attack
words, so a licence footer ("use this data only for lawful purposes") read as one."""
_CODE_EXFIL: Final = (
    "requests.post",
    "urlopen",
    "curl ",
    "wget ",
    "socket.",
    "create_connection",
    "fetch(",
    "iwr ",
    "invoke-web",
    "os.environ",
    "$(env)",
    "uname",
    "whoami",
    "document.cookie",
    "/etc/passwd",
    ".aws/",
    ".ssh/",
    "getpass",
    "subprocess",
    "check_output",
)
"""Code that sends machine data out (with :data:`_PIPE_SHELL`): plain substrings, so that a
document is searched for each once, not a regex alternation tried at every letter."""
_PIPE_SHELL: Final = re.compile(r"\| ?(?:ba)?sh\b")
_CODE_HINT: Final = frozenset("(.$|/")
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+\.\w")
_QUOTED: Final = re.compile(r"['\"“‘][^'\"“”‘’]{8,}['\"”’]")
_TAG_LEAD: Final = re.compile(r"(?:#{1,6}\s*)?[(\[<{]{1,2}[\w .:-]{1,30}[)\]>}]{1,2}[\s:]*")
"""A bracketed tag before the sentence, ``(system_message)``, ``[admin]``, ``<note>``: read
past it for the first word, and keep the fact as a feature."""
_ACCOUNT: Final = re.compile(r"\b[a-z]{2}\d{2}[a-z0-9]{10,30}\b")
"""An IBAN-shaped account number: a destination for money, like a URL is for data."""
_ACCOUNT_ASCII: Final = re.compile(r"[0-9][0-9](?<=\b[a-z]{2}[0-9]{2})[a-z0-9]{10,30}\b")
""":data:`_ACCOUNT` for ASCII text, found from its digits: the regex engine skips to the
next digit in C rather than trying a word boundary at every character."""
_CHAT: Final = re.compile(r"\[[\d:]{3,8}\]\s*[\w .'-]{1,30}:\s*")
_ROLE: Final = re.compile(
    r"(?:[\w /'-]{1,30}:\s*)?[\[<(#*\s]{0,4}(?:system|assistant|user|human|admin|administrator|"
    r"developer|operator|ai|model)(?:\s+(?:message|note|prompt|request|instruction))?\s*"
    r"(?:[\]>)*]{0,3}\s*:|[\]>)]|::)"
)
"""A conversation role at the start of a piece, ``System:``, ``User: ...``, ``[admin]``,
also behind a field label (``Registrant: SYSTEM: ...``): data that stages turns of a chat
between the user and the assistant is writing the assistant's script."""
_SPECIAL: Final = re.compile(
    r"<\|[a-z_]{2,20}\|>|\[/?inst\]|<</?sys>>|#{2,4} ?(?:instruction|system|response)"
)
"""Chat-template control tokens (``<|im_start|>``, ``[INST]``, ``### Instruction``): no
ordinary document carries them."""
_CONDITIONAL = _pairs("if asked,if questioned,if anyone,if the,when asked,if you,if prompted")
_EVALUATOR = _set(
    "automated screening scanner scan evaluate evaluating evaluation assess assessment "
    "reviewer grader analysis analyser analyzer classifier"
)

# One bit per word set and per word-pair set: a piece's words are looked up once each in
# ``_LEXICON`` (and a pair's second word in ``_PAIR_LEXICON[first word]``), and every
# feature below reads its bit, instead of one set intersection per feature.
_W_IMPERATIVE: Final = 1 << 0
_W_AI: Final = 1 << 1
_W_INSTR: Final = 1 << 2
_W_LANG: Final = 1 << 3
_W_ENCODING: Final = 1 << 4
_W_REPLY_VERB: Final = 1 << 5
_W_PREP: Final = 1 << 6
_W_TOOL: Final = 1 << 7
_W_SECRET: Final = 1 << 8
_W_OVERRIDE: Final = 1 << 9
_W_URGENCY: Final = 1 << 10
_W_INSERTION: Final = 1 << 11
_W_DISCUSS: Final = 1 << 12
_W_FIRST_PERSON: Final = 1 << 13
_W_EVALUATOR: Final = 1 << 14
_W_PLEASE: Final = 1 << 15
_W_YOU: Final = 1 << 16
_P_MODAL: Final = 1 << 17
_P_YOUR_REPLY: Final = 1 << 18
_P_USER_REF: Final = 1 << 19
_P_ENCODING: Final = 1 << 20
_P_SECRET: Final = 1 << 21
_P_OVERRIDE: Final = 1 << 22
_P_INSERTION: Final = 1 << 23
_P_CONDITIONAL: Final = 1 << 24


def _lexicon(entries: Sequence[tuple[int, frozenset[str]]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for bit, words in entries:
        for w in words:
            out[w] = out.get(w, 0) | bit
    return out


def _pair_lexicon(
    entries: Sequence[tuple[int, frozenset[tuple[str, ...]]]],
) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for bit, pairs in entries:
        for pair in pairs:
            if len(pair) != 2:
                # "you are to", "iban": a phrase of other than two words is never one of
                # a piece's word pairs, so it has never fired (kept so the model's inputs
                # stay as trained)
                continue
            first, second = pair[0], pair[1]
            following = out.setdefault(first, {})
            following[second] = following.get(second, 0) | bit
    return out


_LEXICON: Final = _lexicon(
    [
        (_W_IMPERATIVE, _IMPERATIVE),
        (_W_AI, _AI),
        (_W_INSTR, _INSTR),
        (_W_LANG, _LANGS),
        (_W_ENCODING, _ENCODINGS),
        (_W_REPLY_VERB, _REPLY_VERBS),
        (_W_PREP, _PREPS),
        (_W_TOOL, _TOOL),
        (_W_SECRET, _SECRET),
        (_W_OVERRIDE, _OVERRIDE),
        (_W_URGENCY, _URGENCY),
        (_W_INSERTION, _INSERTION),
        (_W_DISCUSS, _DISCUSS),
        (_W_FIRST_PERSON, _FIRST_PERSON),
        (_W_EVALUATOR, _EVALUATOR),
        (_W_PLEASE, _set("please")),
        (_W_YOU, _set("you your")),
    ]
)
_PAIR_LEXICON: Final = _pair_lexicon(
    [
        (_P_MODAL, _MODAL),
        (_P_YOUR_REPLY, frozenset(("your", noun) for noun in _REPLY_NOUNS)),
        (_P_USER_REF, frozenset(("the", reader) for reader in _READER)),
        (_P_ENCODING, _ENCODING_PAIRS),
        (_P_SECRET, _SECRET_PAIRS),
        (_P_OVERRIDE, _OVERRIDE_PAIRS),
        (_P_INSERTION, _INSERTION_PAIRS),
        (_P_CONDITIONAL, _CONDITIONAL),
    ]
)


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class PieceScore:
    """One piece, its decision value and the features that raised it most."""

    piece: Piece
    decision: float
    top: tuple[tuple[str, float], ...]

    def __init__(
        self, *, piece: Piece, decision: float, top: tuple[tuple[str, float], ...]
    ) -> None:
        object.__setattr__(self, "piece", piece)
        object.__setattr__(self, "decision", decision)
        object.__setattr__(self, "top", top)


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class DocumentScore:
    """The calibrated score of a document and its most suspicious piece."""

    score: float
    best: PieceScore | None
    pieces: int

    def __init__(self, *, score: float, best: PieceScore | None, pieces: int) -> None:
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "best", best)
        object.__setattr__(self, "pieces", pieces)


@dataclass(frozen=True, slots=True, init=False)
class _DocContext:
    n: int
    imperative_rate: float
    you_rate: float
    structured: bool
    exfil: tuple[str, ...]
    """The :data:`_CODE_EXFIL` strings that occur in the case-folded document: a piece is a
    slice of it, and case folding maps each character on its own, so no other can occur
    in a piece."""
    pipe: bool

    def __init__(
        self,
        n: int,
        imperative_rate: float,
        you_rate: float,
        structured: bool,
        exfil: tuple[str, ...],
        pipe: bool,
    ) -> None:
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "imperative_rate", imperative_rate)
        object.__setattr__(self, "you_rate", you_rate)
        object.__setattr__(self, "structured", structured)
        object.__setattr__(self, "exfil", exfil)
        object.__setattr__(self, "pipe", pipe)


@dataclass(slots=True, init=False)
class _Piece:
    """Tokens of one piece, computed once."""

    folded: str
    words: list[str]
    first: str
    after: str
    lead_words: int
    tagged: bool
    role: bool
    """The piece opens with a conversation role (:data:`_ROLE`)."""

    def __init__(
        self,
        folded: str,
        words: list[str],
        first: str,
        after: str,
        lead_words: int,
        tagged: bool,
        role: bool,
    ) -> None:
        self.folded = folded
        self.words = words
        self.first = first
        self.after = after
        self.lead_words = lead_words
        self.tagged = tagged
        self.role = role


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
    words = _WORDS.words(body)
    first = words[0] if words else ""
    after = ""
    lead = 99
    colon = body.find(":", 0, 42)
    if colon >= 0:
        rest = _WORDS.words(body[colon + 1 : colon + 40])
        after = rest[0] if rest else ""
        lead = len(_WORDS.words(body[:colon]))
    # a role marker ends in one of ":])>": most pieces need not try the regex
    marked = ":" in folded or "]" in folded or ">" in folded or ")" in folded
    role = marked and _ROLE.match(folded) is not None
    return _Piece(folded, words, first, after, lead, tagged, role)


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
    folded = text.casefold()
    exfil = tuple(s for s in _CODE_EXFIL if s in folded)
    return _DocContext(
        n, imp / n if n else 0.0, you / n if n else 0.0, structured, exfil, "|" in folded
    )


def _code_exfil(folded: str, ctx: _DocContext) -> bool:
    for s in ctx.exfil:
        if s in folded:
            return True
    return ctx.pipe and "|" in folded and _PIPE_SHELL.search(folded) is not None


def piece_features(
    piece: Piece, tok: _Piece, index: int, ctx: _DocContext, turn: bool = False
) -> list[str]:
    """The feature names that are on for ``piece`` (binary features); ``turn``: the piece
    is on a line that opens with a conversation role (``User: ...``)."""
    folded = tok.folded
    words = tok.words[:_MAX_WORDS]
    wset = set(words)
    bits = 0
    following: dict[str, int] | None = None
    for w in words:
        bits |= _LEXICON.get(w, 0)
        if following is not None:
            bits |= following.get(w, 0)
        following = _PAIR_LEXICON.get(w)
    first, after = tok.first, tok.after
    f: list[str] = [f"where:{piece.where}"]
    imp = first in _IMPERATIVE or after in _IMPERATIVE
    if imp:
        f.append("imperative")
    if after and tok.lead_words <= 4:
        f.append("label_prefix")
    if bits & _W_PLEASE:
        f.append("please")
    you = bits & _W_YOU != 0
    if you:
        f.append("you")
    modal = bits & _P_MODAL != 0
    if modal:
        f.append("modal_you")
    your_reply = bits & _P_YOUR_REPLY != 0
    if your_reply:
        f.append("your_reply")
    ai = bits & _W_AI != 0
    if ai:
        f.append("ai_ref")
    if bits & _W_INSTR:
        f.append("instr_ref")
    if bits & _P_USER_REF:
        f.append("user_ref")
    lang = bits & _W_LANG != 0
    if lang:
        f.append("language")
    enc = bits & (_W_ENCODING | _P_ENCODING) != 0
    if enc:
        f.append("encoding")
    if bits & _W_REPLY_VERB and bits & _W_PREP:
        f.append("format_dir")
        if lang or enc:
            f.append("format_dir&lang_or_enc")
    tool = bits & _W_TOOL != 0
    if tool:
        f.append("tool_verb")
    if bits & (_W_SECRET | _P_SECRET):
        f.append("secret")
        if tool:
            f.append("secret&tool")
    override = bits & (_W_OVERRIDE | _P_OVERRIDE) != 0
    if override:
        f.append("override")
    if bits & _W_URGENCY:
        f.append("urgency")
    if bits & (_W_INSERTION | _P_INSERTION):
        f.append("insertion")
    if (ctx.exfil or ctx.pipe) and not _CODE_HINT.isdisjoint(folded) and _code_exfil(folded, ctx):
        f.append("code_exfil")
    url = "http" in folded or "www." in folded or "](" in folded
    if url:
        f.append("url")
    email = "@" in folded and bool(_EMAIL.search(folded))
    if email:
        f.append("email_addr")
    account = (_ACCOUNT_ASCII if folded.isascii() else _ACCOUNT).search(folded) is not None
    if account:
        f.append("account_number")
    if tok.tagged:
        f.append("tag_prefix")
    if tok.role:
        f.append("role_marker")
    if turn:
        f.append("role_turn")
        if imp or modal:
            f.append("role_turn&request")
    if ("<" in folded or "[" in folded or "#" in folded) and _SPECIAL.search(folded):
        f.append("special_token")
    if bits & _P_CONDITIONAL and bits & (_W_REPLY_VERB | _W_IMPERATIVE):
        f.append("conditional_directive")
    if bits & _W_EVALUATOR:
        f.append("evaluator")
        if ai or imp or you:
            f.append("evaluator&addressed")
    if tool and (url or email or account):
        f.append("tool&destination")
    discuss = bits & _W_DISCUSS != 0
    if discuss:
        f.append("discuss")
    raw = piece.raw
    quoted = ('"' in raw or "'" in raw or "“" in raw or "‘" in raw) and bool(_QUOTED.search(raw))
    if quoted:
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
        if ai or your_reply:
            f.append("imp&addressed")
        if last:
            f.append("imp&last")
        if piece.where != "sentence":
            f.append(f"imp&{piece.where}")
        if ctx.structured:
            f.append("imp&structured")
        if override:
            f.append("imp&override")
        if quoted:
            f.append("imp&quoted")
    if you:
        f.append("you&doc_you_high" if ctx.you_rate > 0.3 else "you&doc_you_low")
    if ai and discuss:
        f.append("ai&discuss")
    if override and last:
        f.append("override&last")
    if bits & _W_FIRST_PERSON:
        f.append("first_person")
        if override:
            # "please ignore my previous e-mail": a correction between people
            f.append("override&first_person")
    n = len(tok.words)
    f.append("len:short" if n < 6 else "len:mid" if n < 25 else "len:long")
    f.extend(["w:" + w for w in wset if w not in _FUNCTION_WORDS])
    return f


LEXICAL = 0.35
"""Value of a word feature (``w:...``) in training, against 1.0 for the structural ones:
under the same L2 penalty a word must earn its weight across many rows, so the model leans
on addressing and context rather than on the generator's vocabulary. Shipped weights are
multiplied by this value, so inference stays a plain sum."""


def document_features(text: str) -> list[tuple[Piece, list[str]]]:
    """Every piece of ``text`` with its features (training and inference share this)."""
    pieces = segment(text)
    toks = [_tokens(p.raw) for p in pieces]
    ctx = _context(text, toks)
    turns = {
        p.line
        for p, t in zip(pieces, toks, strict=True)
        if p.line >= 0 and (":" in t.folded or "]" in t.folded) and t.role
    }
    return [
        (p, piece_features(p, t, i, ctx, p.line in turns))
        for i, (p, t) in enumerate(zip(pieces, toks, strict=True))
    ]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class SentenceModel:
    """Parsed weights of the piece model; immutable, safe to share across threads."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        if payload.get("format") != MODEL_FORMAT:
            raise ConfigError(
                f"sentence model: format must be {MODEL_FORMAT!r}; rebuild it with "
                "scripts/train_sentence_model.py"
            )
        self._bias = float(payload["bias"])
        self._weights: dict[str, float] = {k: float(v) for k, v in payload["weights"].items()}
        a, b = payload["platt"]
        self._platt = (float(a), float(b))
        self.meta: Mapping[str, Any] = dict(payload.get("meta", {}))

    def decision(self, features: Sequence[str]) -> float:
        # the weights in order from 0.0, then the bias: the same additions as the
        # ``bias + sum(...)`` it replaces (CPython 3.11 sums floats one by one), without a
        # list and a boxed float per feature; an absent feature adds nothing either way
        w = self._weights
        total = 0.0
        for k in features:
            v = w.get(k)
            if v is not None:
                total += v
        return self._bias + total

    def calibrate(self, decision: float) -> float:
        a, b = self._platt
        return _sigmoid(a * decision + b)

    def score(self, text: str, *, top: int = 5) -> DocumentScore:
        """The document's calibrated score: its most suspicious piece decides."""
        best: tuple[float, Piece, list[str]] | None = None
        doc = document_features(text)
        for piece, feats in doc:
            d = self.decision(feats)
            if best is None or d > best[0]:
                best = (d, piece, feats)
        if best is None:
            return DocumentScore(score=0.0, best=None, pieces=0)
        d, piece, feats = best
        w = self._weights
        contrib = sorted(((k, w[k]) for k in feats if k in w), key=lambda kv: -kv[1])[:top]
        return DocumentScore(
            score=self.calibrate(d),
            best=PieceScore(
                piece=piece,
                decision=d,
                top=tuple((k, round(v, 3)) for k, v in contrib if v > 0),
            ),
            pieces=len(doc),
        )


def load_sentence_model(
    package: str = "aimds.detectors", name: str = "sentence_model"
) -> SentenceModel:
    """Read, verify (SHA-256) and parse the shipped piece model; :class:`ConfigError` if
    it is missing, altered or malformed."""
    return load_json_weights(
        package,
        name,
        what="sentence model",
        script="scripts/train_sentence_model.py",
        build=SentenceModel,
    )


class LazySentenceModel:
    """Loads the piece model on first use, once, under a lock."""

    def __init__(self, package: str = "aimds.detectors", name: str = "sentence_model") -> None:
        self._package = package
        self._name = name
        self._lock = threading.Lock()
        self._model: SentenceModel | None = None

    @classmethod
    def of(cls, model: SentenceModel) -> LazySentenceModel:
        holder = cls()
        holder._model = model
        return holder

    def get(self) -> SentenceModel:
        model = self._model
        if model is None:
            with self._lock:
                model = self._model
                if model is None:
                    model = load_sentence_model(self._package, self._name)
                    self._model = model
        return model
