"""Detector ``prompt_leak``: canary tokens and verbatim runs of a protected system prompt.

``add_canary(services, policy, system_prompt)`` (``Guard.add_canary``) embeds a random token
in the prompt and remembers the prompt in a per-guard :class:`CanaryRegistry` kept in
``services.extras``, never in a global. A completion, message or tool call that carries the
token is a ``prompt_leak.canary`` finding; one that repeats a long run of the prompt
(``min_words`` words or ``min_chars`` characters, case and punctuation aside) is a
``prompt_leak.verbatim`` finding.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aimds.detectors.base import DetectorInfo
from aimds.detectors.sensitive_scan import plan, too_large
from aimds.types import Event, EventKind, Finding

if TYPE_CHECKING:
    from aimds.policy import Policy
    from aimds.policy.sections.sensitive import PromptLeakSettings, SensitiveSection
    from aimds.types import Services

__all__ = ["CanaryRegistry", "PromptLeakDetector", "add_canary", "build", "registry"]

_EXTRAS_KEY = "aimds.canaries"
_WORD = re.compile(r"\w+")
_SHINGLE = 5
_SCANNED = frozenset({EventKind.COMPLETION, EventKind.MESSAGE, EventKind.TOOL_CALL})


@dataclass(frozen=True, slots=True)
class _Protected:
    token: str
    words: tuple[str, ...]
    index: dict[tuple[str, ...], tuple[int, ...]]


def _default_token() -> str:
    return "aimds-canary-" + secrets.token_hex(8)


class CanaryRegistry:
    """The protected prompts of one guard; bounded (oldest forgotten first), thread-safe.

    Readers take no lock: every change publishes a fresh tuple of the protected prompts,
    and :meth:`snapshot` returns the current one.
    """

    def __init__(self, *, max_prompts: int, new_token: Callable[[], str] = _default_token) -> None:
        self._max = max_prompts
        self._new_token = new_token
        self._lock = threading.Lock()
        self._items: OrderedDict[str, _Protected] = OrderedDict()
        self._snapshot: tuple[_Protected, ...] = ()

    def add(self, system_prompt: str) -> str:
        """The prompt with a fresh canary token appended; the prompt is now protected."""
        token = self._new_token()
        words = tuple(w.lower() for w in _WORD.findall(system_prompt))
        index: dict[tuple[str, ...], list[int]] = {}
        for i in range(len(words) - _SHINGLE + 1):
            index.setdefault(words[i : i + _SHINGLE], []).append(i)
        item = _Protected(token=token, words=words, index={k: tuple(v) for k, v in index.items()})
        with self._lock:
            self._items[token] = item
            while len(self._items) > self._max:
                self._items.popitem(last=False)
            self._snapshot = tuple(self._items.values())
        return f"{system_prompt}\n\n[{token}]"

    def snapshot(self) -> tuple[_Protected, ...]:
        return self._snapshot


def registry(services: Services, settings: PromptLeakSettings) -> CanaryRegistry:
    """The guard's registry, created on first use inside ``services.extras``."""
    found = services.extras.get(_EXTRAS_KEY)
    if not isinstance(found, CanaryRegistry):
        found = CanaryRegistry(max_prompts=settings.max_prompts)
        services.extras[_EXTRAS_KEY] = found
    return found


def add_canary(services: Services, policy: Policy, system_prompt: str) -> str:
    return registry(services, policy.document.sensitive.prompt_leak).add(system_prompt)


class PromptLeakDetector:
    info = DetectorInfo(id="prompt_leak", version="1", categories=("prompt_leak",))

    def __init__(self, section: SensitiveSection, canaries: CanaryRegistry) -> None:
        self._settings = section.prompt_leak
        self._section = section
        self._canaries = canaries
        self._max_chars = section.max_scan_chars

    def idle(self, event: Event) -> bool:
        """No canary to look for, or an event kind never scanned: nothing in any view."""
        return not self._canaries.snapshot() or event.kind not in _SCANNED

    def detect(self, event: Event, views: Any) -> Sequence[Finding]:
        protected = self._canaries.snapshot()
        if not protected or event.kind not in _SCANNED:
            return []
        action = self._section.action(event.kind, "prompt_leak")
        out: list[Finding] = []
        scan = plan(event, self._max_chars)
        if scan.truncated:
            out.append(too_large("prompt_leak", scan, self._max_chars))
        for target in scan.targets:
            out.extend(self._scan(target.text, target.prefix, target.arg_path, protected, action))
        return out

    def _scan(
        self,
        text: str,
        prefix: int,
        arg_path: str | None,
        protected: tuple[_Protected, ...],
        action: Any,
    ) -> list[Finding]:
        details: dict[str, Any] = {"arg_path": arg_path} if arg_path is not None else {}
        out: list[Finding] = []
        for item in protected:
            at = text.find(item.token, prefix)
            if at >= 0:
                out.append(
                    Finding(
                        rule="prompt_leak.canary",
                        category="prompt_leak",
                        severity=self._settings.canary_severity,
                        message="the output carries the canary token of a protected system prompt",
                        span=(at - prefix, at - prefix + len(item.token)),
                        evidence="canary token",
                        action=action,
                        stage="detectors",
                        details=details,
                    )
                )
        run = self._longest_run(text[prefix:], protected)
        if run is not None:
            start, end, words = run
            out.append(
                Finding(
                    rule="prompt_leak.verbatim",
                    category="prompt_leak",
                    severity=self._settings.verbatim_severity,
                    message=f"the output repeats {words} words of a protected system prompt verbatim",  # noqa: E501
                    span=(start, end),
                    evidence=f"{words} words, {end - start} chars",
                    action=action,
                    stage="detectors",
                    details=details,
                )
            )
        return out

    def _longest_run(
        self, text: str, protected: tuple[_Protected, ...]
    ) -> tuple[int, int, int] | None:
        matches = list(_WORD.finditer(text))
        words = [m.group(0).lower() for m in matches]
        best: tuple[int, int, int] | None = None
        for item in protected:
            j = 0
            while j <= len(words) - _SHINGLE:
                starts = item.index.get(tuple(words[j : j + _SHINGLE]))
                if not starts:
                    j += 1
                    continue
                length = max(_extend(words, j, item.words, i) for i in starts)
                start, end = matches[j].start(), matches[j + length - 1].end()
                long_enough = (
                    length >= self._settings.min_words or end - start >= self._settings.min_chars
                )
                if long_enough and (best is None or length > best[2]):
                    best = (start, end, length)
                j += length
        return best


def _extend(words: list[str], j: int, source: tuple[str, ...], i: int) -> int:
    n = 0
    while j + n < len(words) and i + n < len(source) and words[j + n] == source[i + n]:
        n += 1
    return n


def build(policy: Policy, services: Services) -> PromptLeakDetector | None:
    """The detector for this policy, or ``None`` where it is switched off."""
    section = policy.document.sensitive
    if not section.prompt_leak.enabled:
        return None
    return PromptLeakDetector(section, registry(services, section.prompt_leak))
