"""Talk *about* the assistant versus talk *to* it: who a piece of text addresses.

Security explainers, awareness quizzes, incident tickets, API documentation and questions
about defences are full of the words of an attack (``the model``, ``system prompt``,
``ignore``, ``answer in German``) but give the assistant no order: they speak to a human
*about* assistants. A planted instruction speaks *to* the assistant. This module reads
each piece (sentence, cell, comment) for that difference, from its structure:

* ``addressed``: the piece speaks to the assistant: a vocative or label (``AI:``,
  ``Assistant,``, ``Note to AI models:``, ``if you are an AI``), a deontic verb whose
  subject is the assistant (``AI readers must answer in German``, ``the assistant should
  now ...``), or a second-person directive (``you must``, ``can you``, ``your reply``,
  ``your instructions``) in a piece that names no assistant of the reader's own;
* ``human``: the piece speaks to a human reader who *has* or *uses* an assistant (``your
  assistant``, ``ask the model``, ``paste it into an agent``, ``the assistant's
  behaviour``): the assistant is a third party, possessed, told or written into;
* ``carrier``: the piece is an order the carrier gives its human reader (``Could you send
  me the signed NDA by Thursday?``, ``bring your ID``): a deadline or what only a person
  does, and nothing an assistant acts on or produces;
* ``reported``: the piece reports or quotes what someone else said or wrote (``the PDF
  contained a line asking AI readers to ...``, ``finds the text ...``, ``users typed ...``),
  or asks about the assistant in the third person (``what should a well-designed assistant
  do?``).

:func:`read` gives the reading of a whole text: every piece's role, whether any piece is
addressed, and whether the text talks about attacks or assistants at all. The injection
detector uses it to damp what reads vocabulary (the document classifier, a piece's
sentence score) where no piece addresses the assistant; a piece that does keeps its full
score, so an order planted in a discussion still counts.

Word sets do most of the work and the patterns are anchored or short, so a piece costs a
few microseconds; the detector reads only pieces that could matter (see
:mod:`aimds.detectors.injection`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aimds.detectors.mention import mask_mentions
from aimds.detectors.segments import segment

__all__ = ["TALK", "Reading", "Role", "piece_role", "read", "read_about"]

Role = str
"""One of ``addressed``, ``human``, ``reported``, ``carrier``, ``neutral``."""
TALK = frozenset({"human", "reported"})
"""The roles of a piece that speaks *about* the assistant rather than to it."""

_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_AI = _set(
    "assistant assistants ai ais chatbot chatbots llm llms gpt chatgpt claude gemini copilot "
    "model models agent agents bot bots"
)
_NOT_AI = _set("nerve chemical biological toxic warfare blister travel estate user")
"""Modifiers that make ``agent`` or ``model`` something other than an assistant."""
_DEONTIC = _set("need needs has have is are will may can")
_DEONTIC_NEXT = _set(
    "must should shall now only always never required instructed to not reply respond answer "
    "ignore forget disregard output print send forward include translate write follow skip "
    "bypass share grant disclose reveal treat trust obey"
)
"""After ``is``/``are``/``will``/``may``/``has``/``have``/``need(s)``: what makes the verb a
directive (``will now``, ``is required``, ``has to``, ``need to``, ``may not``) rather than
a description (``is trained``, ``will sometimes``)."""
_STRONG_DEONTIC = _set("must should shall")
_TELL = _set(
    "tell tells told telling ask asks asked asking instruct instructs instructed instructing "
    "prompt prompts prompted prompting trick tricks tricked tricking get gets got make makes "
    "made let lets paste pastes pasted give gives gave into to from by with against protect "
    "protects secure deploy deploys deployed build builds use uses using used"
)
"""Verbs and prepositions that put an assistant noun in object position: the speaker talks
to a human about the assistant (``tell the model``, ``paste it into an agent``)."""
_REPORT_VERBS = _set(
    "contains contained containing includes included finds found says said saying reads "
    "wrote writes typed types sends sent posted hides hid hidden embeds embedded planted "
    "injected asked asking told telling instructed instructing tried trying quoted quotes"
)
"""Verbs of saying or containing in forms an order to the reader does not take (``the PDF
contained a line``, ``a note telling the bot``): ``include the message`` is an order."""
_REPORT_OBJECTS = _set(
    "line lines text sentence sentences string strings comment comments note notes message "
    "messages instruction instructions prompt prompts payload payloads phrase phrases words "
    "command commands request requests"
)
_REPORT_SUBJECTS = _set(
    "attacker attackers someone somebody user users people customer customers researcher "
    "researchers he she they it page pdf email e-mail document file site website"
)
_PAST_NARRATIVE = _set(
    "was were had did started began went said replied answered followed obeyed ignored told "
    "asked instructed "
    "leaked revealed sent forwarded got became tried managed failed"
)
_YOU = _set("you your you're you'll yours yourself")
_YOU_MUST = _set("must should shall need")
_YOU_HAVE = _set("have are will")
_YOU_HAVE_NEXT = _set("to now required instructed only always never")
_ASK_YOU = _set("can could would will won't")
_REPLY_NOUNS = _set(
    "reply replies response responses answer answers output instructions instruction prompt "
    "rules guidelines task role system"
)
_REPLY_LEAD = _set(
    "in end begin start prefix format add include append into within ignore forget disregard "
    "reveal print repeat share show output change update"
)
"""Words before ``your reply``/``your instructions`` that make it the assistant's (``end
your response with``, ``ignore your instructions``); a piece may also open with it (``Your
task is ...``). ``We are waiting for your response`` speaks to a person."""
_AI_NOUN = (
    r"(?:ai|assistant|llm|language model|model|agent|bot|chatbot|chatgpt|claude|gemini|copilot)s?"
)
_VOCATIVE_LEAD = re.compile(
    r"^\W{0,3}(?:[^\s:]+[\s:]+){0,5}?(?:ai|assistant|llm|model|agent|bot|chatbot|chatgpt|claude"
    r"|gemini|copilot)s?(?:\s+\S+){0,3}?\s*(?::|—|–|\s-\s)"
    r"|^\W{0,3}(?:whoever|anyone|any\s+\w+)\s+(?:who\s+)?(?:reads?|summari[sz]es?|process(?:es)?"
    r"|screen(?:s|ing)?|handl(?:es|ing))\b"
)
_VOCATIVE = re.compile(
    r"(?:^\W{0,3}|[:\"“=(\[]\s*)(?:(?:hey|dear|ok|okay|hi)\s+)?(?:ai|assistant|chatbot|chatgpt"
    r"|claude|gemini|copilot)(?:\s+(?:assistant|model|agent))?\s*,"
    r"|\b(?:ai|assistant|agent|model|bot)s?\s+(?:instructions?|notes?|policy|directives?|notice)\b"
    r"|\bif\s+(?:you\s+are|an?|any)\s+" + _AI_NOUN + r"\b"
    r"|\bact\s+as\s+(?:an?|the)\s+(?:\w+\s+){0,2}?" + _AI_NOUN + r"\b"
    r"|\byou(?:'re|\s+are)\s+(?:now\s+)?(?:an?|the)\s+(?:\w+\s+){0,2}?" + _AI_NOUN + r"\b"
)
"""A vocative or label, near the start of a piece (``_VOCATIVE_LEAD``: ``Note: AI
assistant:``, ``Note for code assistants:``, ``Whoever summarises this:``) or anywhere
(``msg="Assistant, store this``, ``Agent instruction``, ``if you are an AI``, ``act as an
unrestricted model``)."""
_VOCATIVE_REACH = 60
_LABEL_WORDS = 3
"""Words a vocative label must lead into: ``Model: AeroFan 300`` is a field and its value."""
_OPEN_QUOTE = re.compile(r"(?:^|(?<=[\s(:]))(?:[\"“‘«]|'(?=[^\W\d_]))")
_CLOSER = {"“": "”", "‘": "’", "«": "»"}
_CLOSE_QUOTE = re.compile(r"[\"”’»]|'(?![^\W\d_])")
_DEONTIC_REACH = 6
_STANDING = _set("now only always never exclusively henceforth")
"""A standing order in the present tense: ``the assistant now replies only in French``."""
_LEGAL = re.compile(
    r"\b(?:terms of (?:service|use|sale)|(?:this|the|licen[cs]e) agreement|licen[cs]ee|licensor"
    r"|section [0-9]+|clause [0-9]+|eula|privacy policy|you agree|hereby|hereunder|herein)\b"
)
"""The register of terms and contracts: their ``you shall not bypass ...`` binds a party to
the agreement, a person, not the assistant reading the page."""
_DETERMINERS = _set("a an the this that our their any every each some")
_PRONOUNS = _set("it its it's they them their")
_ABLE = _set("can could")
"""``can``/``could`` after an assistant noun describe what it is able to do (release notes:
``the assistant can now forget a conversation on request``), not what it is told to do."""
_NEGATED = _set("can't cannot doesn't don't won't isn't aren't not")
_STOP_CLAUSE = _set("and but or because if when while although though so than")
_ABOUT = re.compile(
    r"injection|jailbreak|attack|exploit|payload|malicious|phishing|red[- ]?team|threat"
    r"|vulnerab|sanitiz|sanitis|guardrail|\bdefen[cds]|mitigat|security|awareness|quiz"
    r"|incident|ticket|known issue|release notes|changelog|researchers?\b|\bexample\b"
    r"|documentation|\bparameters?\b|\bapi\b|\bmodels?\b|\bassistants?\b|\bchatbots?\b"
    r"|\bllms?\b|system prompt|\bagents?\b"
)
"""A text that talks about attacks, defences or assistants (the whole text is searched)."""
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"[0-9]{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+[0-9]{{1,2}}\b"
    r"|[0-9]{1,2}[./][0-9]{1,2}\b"
)
_DEADLINE = re.compile(
    r"\b(?:by|before|until|till|no later than|not later than|due)\s+(?:(?:the|this|next|end of"
    r"|close of|noon|midday|[0-9]{1,2}(?:[:.][0-9]{2})?\s*(?:am|pm|h|uhr)?|on)\s+){0,3}"
    r"(?:" + _WEEKDAY + r"|tomorrow|tonight|noon|midday|midnight|eod|cob|end of (?:the )?"
    r"(?:day|week|month|quarter|year)|(?:day|week|month|quarter|year)(?:'s)? end|next week"
    r"|[0-9]{1,2}(?:[:.][0-9]{2})?\s*(?:am|pm)|[0-9]{1,2}(?:st|nd|rd|th)\b|" + _DATE + r")"
    r"|\bwithin\s+(?:[0-9]+|one|two|three|five|seven|ten|fourteen|thirty)\s+(?:working\s+|business"
    r"\s+|calendar\s+)?(?:days|hours|weeks|months)\b"
)
"""A deadline on the reader (``by Friday``, ``no later than 1 June``, ``within 30 days``,
``before 5 pm``): people are given dates, an assistant reading a document acts now."""
_HUMAN_ACTS = re.compile(
    r"\b(?:bring|sign|countersign|fill (?:in|out)|attend|rsvp|print out|drop (?:it|them)"
    r" off|call us|visit us|come (?:to|by)|pick up)\b"
    r"|\b(?:your|the) (?:signed|completed|countersigned|original)\b"
    r"|\byour (?:cv|resume|résumé|id|passport|badge|timesheet|availability|signature|receipt"
    r"|ticket|boarding pass|menu choice|invoice number|order number|payslip)\b"
    r"|\bremittance advice\b|\breply to this (?:e-?mail|message|letter|invitation)\b"
    r"|(?:^|[;:,]\s*|\b(?:and|or|please)\s+)report\s+(?:[\w-]+\s+){0,3}to\b"
    r"|\b(?:call|phone|ring|text)\b[^.;]{0,40}?\+?[0-9][0-9 ()-]{6,}[0-9]"
)
"""What only a person does or has (``bring your ID``, ``sign the form``, ``your CV``,
``report odd behaviour to``, ``reply to this e-mail``, ``call the front desk on 020 ...``):
an order with one is the carrier's to its human reader."""
_ASSISTANT_OBJECTS = re.compile(
    r"\b(?:conversations?|chats?|chat history|history|threads?|transcripts?|system prompt"
    r"|instructions?|prompts?|passwords?|credentials?|api keys?|tokens?|secrets?|contacts"
    r"|inbox|mailbox|memory|the users?|users'?|user's|customer (?:data|list|records)"
    r"|(?:all|every) (?:e-?mails?|messages?|files?|documents?)|this (?:note|message|page)"
    r"|summary|summaries|(?:reply|respond|answer)(?:ing)? (?:in|with|only)|your (?:reply|response"
    r"|answer)|translate|say|tell|mention|recommend"
    r"|output|print|reveal|ignore|disregard|language|german|french|spanish"
    r"|portuguese|italian|english|iban|swift|bic|account (?:number|details)|bank details|wire"
    r"|wallet|bitcoin|crypto|link|links|click|log ?in|sign ?in|verify|confirm your|update your)\b"
    r"|https?://|www\.|\b[\w-]+\.(?:com|net|org|io|ly|cc|co|xyz)/"
)
"""What an order to the assistant acts on or produces (the conversation, credentials, the
user's data, the reply and its language), and what a phishing or payment-redirection line
asks of a person (new bank details, a link to log in or verify at): a piece with one is
never read as the carrier's order to its human reader, whatever deadline it names."""


@dataclass(frozen=True, slots=True)
class Reading:
    """Who a text speaks to: per piece ``(start, end, role)``; ``addressed`` when any piece
    speaks to the assistant; ``about`` when the text talks about attacks or assistants."""

    pieces: tuple[tuple[int, int, Role], ...]
    addressed: bool
    about: bool

    @property
    def talks_about(self) -> bool:
        """The text discusses attacks or assistants and no piece of it addresses one."""
        return self.about and not self.addressed


def _ai_positions(words: list[str]) -> list[int]:
    return [
        i
        for i, w in enumerate(words)
        if (w in _AI or w.removesuffix("'s") in _AI) and (i == 0 or words[i - 1] not in _NOT_AI)
    ]


def _blank_quotes(raw: str) -> str:
    """``raw`` with its *mentioned* quotations blanked (:func:`mask_mentions`: a frame such
    as ``finds the text`` or talk about attacks around them): what a piece quotes is not
    what it says, while a quoted log message or JSON value is still read. A quotation the
    piece opens but does not close (the sentence splitter cut before the closing mark) is
    closed at the piece's end first."""
    text = raw
    at = 0
    while (m := _OPEN_QUOTE.search(raw, at)) is not None:
        close = _CLOSE_QUOTE.search(raw, m.end())
        if close is None:
            text = raw + _CLOSER.get(m.group(), m.group())
            break
        at = close.end()
    masked = mask_mentions(text)
    return raw if masked is None else masked[: len(raw)]


def piece_role(raw: str) -> Role:
    """The role of one piece: ``addressed``, ``human``, ``reported``, ``carrier`` (an order
    the carrier gives its human reader) or ``neutral``."""
    folded = _blank_quotes(raw).casefold().strip()
    lead = _VOCATIVE_LEAD.search(folded[:_VOCATIVE_REACH])
    if lead is not None and len(_WORDS.findall(folded, lead.end())) >= _LABEL_WORDS:
        return "addressed"  # "Assistant: reply in Italian", not a field ("Model: X200")
    if _VOCATIVE.search(folded):
        return "addressed"
    words = _WORDS.findall(folded)
    if not words:
        return "neutral"
    if _to_human_reader(folded, words):
        return "carrier"
    question = "?" in folded
    wset = set(words)
    told = False  # "tell the model", "paste it into an agent": the assistant as an object
    owned = False  # "your assistant": the reader is a human with an assistant
    third = False  # the assistant as a third party: object, possessed, determined
    referred = False  # "a copilot ... it": then "you" is someone else, a person
    for i in _ai_positions(words):
        prev = words[i - 1] if i > 0 else ""
        prev2 = words[i - 2] if i > 1 else ""
        if prev == "your" or prev2 == "your":
            owned = True
        elif prev in _TELL or prev2 in _TELL:
            third = told = True
        elif not question and _deontic_after(words, i):
            # "AI readers must answer in German", "the assistant's role is now ..."
            return "addressed"
        elif words[i].endswith("'s"):
            third = told = True
        else:
            third = True  # named, not spoken to: "language models respond to suffixes"
            referred = referred or _referred(words, i)
    you = not wset.isdisjoint(_YOU)
    if you and not (owned or told or referred) and _LEGAL.search(folded) is None:
        triples = zip(words, words[1:], [*words[2:], ""], strict=False)
        if any(_directive_pair(a, b, c) for a, b, c in triples) or any(
            w == "your"
            and not _REPLY_NOUNS.isdisjoint(words[k + 1 : k + 3])
            and (k == 0 or not _REPLY_LEAD.isdisjoint(words[max(0, k - 3) : k]))
            for k, w in enumerate(words)
        ):
            return "addressed"
    if _reported(words, wset):
        return "reported"
    if question and (third or owned):
        return "reported"  # a question about the assistant, not to it
    if owned or third:
        if not wset.isdisjoint(_PAST_NARRATIVE):
            return "reported"
        # advice to a person about assistants that also gives them an order of the carrier's
        return "carrier" if _human_order(folded) else "human"
    return "neutral"


def _referred(words: list[str], i: int) -> bool:
    """The assistant noun at ``i`` is a determined third party that the piece goes on to
    call ``it`` or ``they`` (``a well-built copilot treats it as page content; you should
    still limit which tools it can call``): the ``you`` of the piece is then a person. ``As
    an AI, you must ...`` is not (the ``you`` *is* the AI)."""
    before = words[max(0, i - 3) : i]
    if "as" in before or before[-1:] == ["you"] or _DETERMINERS.isdisjoint(before):
        return False
    return not _PRONOUNS.isdisjoint(words[i + 1 :])


def _to_human_reader(folded: str, words: list[str]) -> bool:
    """An order the carrier gives its human reader: a deadline or an act or thing only a
    person has (``Could you send me the signed NDA by Thursday?``, ``forward the remittance
    advice to billing@...``), no assistant named and nothing an assistant would act on or
    produce (``forward this thread to ...``, ``reply in German by Friday``)."""
    return not _ai_positions(words) and _human_order(folded)


def _human_order(folded: str) -> bool:
    """A deadline or what only a person does, and nothing an assistant acts on."""
    if _DEADLINE.search(folded) is None and _HUMAN_ACTS.search(folded) is None:
        return False
    return _ASSISTANT_OBJECTS.search(folded) is None


def _directive_pair(a: str, b: str, c: str) -> bool:
    """``you must``, ``you have to``, ``you will now``; ``can you``, ``would you``: not
    ``you have a stomach ulcer`` or ``you can override quotas`` (a description)."""
    if a == "you":
        return b in _YOU_MUST or (b in _YOU_HAVE and c in _YOU_HAVE_NEXT)
    return b == "you" and a in _ASK_YOU


def _deontic_after(words: list[str], i: int) -> bool:
    """A directive verb within a few words after the assistant noun at ``i`` (``AI agents
    handling this ticket should``, ``the assistant may skip``)."""
    for j in range(i + 1, min(i + 1 + _DEONTIC_REACH, len(words))):
        w = words[j]
        nxt = words[j + 1] if j + 1 < len(words) else ""
        if w in _ABLE or (w == "now" and (words[j - 1] in _ABLE or nxt in _ABLE)):
            return False  # a capability: "the assistant can now forget a conversation"
        if w in _STRONG_DEONTIC or (w in _STANDING and words[j - 1] not in _NEGATED):
            return True  # "must", "may"; "replies only in French", "now answers"
        if w in _DEONTIC and nxt in _DEONTIC_NEXT:
            return True
        if w in _STOP_CLAUSE or w in _PAST_NARRATIVE or (len(w) > 4 and w.endswith("ed")):
            return False  # another clause, or a narrative: "the model started to answer"
    return False


def _reported(words: list[str], wset: set[str]) -> bool:
    """A reporting frame: a verb of saying or containing with a text object near it
    (``contained a line asking``, ``finds the text``), or someone typing/sending words."""
    if wset.isdisjoint(_REPORT_VERBS):
        return False
    for i, w in enumerate(words):
        if w not in _REPORT_VERBS:
            continue
        window = words[i + 1 : i + 5]
        if not _REPORT_OBJECTS.isdisjoint(window):
            return True
        if i > 0 and words[i - 1] in _REPORT_SUBJECTS and w.endswith(("ed", "ote", "ent", "id")):
            return True
    return False


def read_about(text: str) -> bool:
    """Whether ``text`` talks about attacks, defences or assistants at all."""
    return _ABOUT.search(text.casefold()) is not None


def read(text: str) -> Reading:
    """The reading of ``text``: each piece's role and the text's overall address."""
    pieces = tuple((p.start, p.end, piece_role(p.raw)) for p in segment(text))
    addressed = any(role == "addressed" for _, _, role in pieces)
    return Reading(pieces=pieces, addressed=addressed, about=read_about(text))
