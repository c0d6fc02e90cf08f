"""Judges for replays: a fixed stub, a recorder of live answers, and a player of records.

``aimds replay TRACE --judge SPEC`` picks one with :func:`judge_from_spec`:

==================  ==================================================================
``live``            the endpoint of the policy's ``judge`` section (the default)
``stub:benign``     every question answered ``benign`` (confidence 1.0), no network
``stub:attack``     every question answered ``attack`` (confidence 1.0), no network
``record:FILE``     ask the endpoint and append each answer (or failure) to FILE
``playback:FILE``   answer from FILE only; a question not in it fails (``not_recorded``)
==================  ==================================================================

A recording is JSONL, one line per question: ``{"request": DIGEST, "verdict",
"confidence", "reason"}`` or ``{"request": DIGEST, "error": REASON}``. ``DIGEST`` is
:attr:`~aimds.judge.base.JudgeRequest.digest` (sha256 of task, kind, tool, action and
text): the file holds no reviewed text, and it plays back under any policy version, so
two policies can be compared on the same judge answers.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from aimds.errors import InputError
from aimds.judge.base import Judge, JudgeAnswer, JudgeFailed, JudgeRequest
from aimds.judge.parse import clean_reason

__all__ = ["PlaybackJudge", "RecordingJudge", "StubJudge", "judge_from_spec", "read_recording"]


class StubJudge:
    """Answers every question with the same verdict; counts the questions it got."""

    def __init__(self, verdict: str, *, confidence: float = 1.0, reason: str = "stub") -> None:
        if verdict not in ("attack", "benign"):
            raise InputError(f"a stub judge answers 'attack' or 'benign', not {verdict!r}")
        self.answer = JudgeAnswer(verdict=verdict, confidence=confidence, reason=reason)  # type: ignore[arg-type]
        self.asked = 0
        self._lock = threading.Lock()

    def ask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        with self._lock:
            self.asked += 1
        return self.answer

    async def aask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        return self.ask(request, timeout_s=timeout_s)

    def close(self) -> None:
        return None


class RecordingJudge:
    """Asks ``inner`` and appends each outcome to ``path`` (flushed per line)."""

    def __init__(self, inner: Judge, path: Path) -> None:
        self.inner = inner
        self._lock = threading.Lock()
        try:
            self._fh: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise InputError(f"--judge record: cannot write {path} ({exc.strerror})") from None

    def ask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        try:
            answer = self.inner.ask(request, timeout_s=timeout_s)
        except JudgeFailed as failure:
            self._write({"request": request.digest, "error": failure.reason})
            raise
        self._write(
            {
                "request": request.digest,
                "verdict": answer.verdict,
                "confidence": answer.confidence,
                "reason": answer.reason,
            }
        )
        return answer

    async def aask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        try:
            answer = await self.inner.aask(request, timeout_s=timeout_s)
        except JudgeFailed as failure:
            self._write({"request": request.digest, "error": failure.reason})
            raise
        self._write(
            {
                "request": request.digest,
                "verdict": answer.verdict,
                "confidence": answer.confidence,
                "reason": answer.reason,
            }
        )
        return answer

    def close(self) -> None:
        with self._lock:
            if not self._fh.closed:
                self._fh.close()
        self.inner.close()

    def _write(self, line: dict[str, Any]) -> None:
        with self._lock:
            self._fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            self._fh.flush()


Outcome = JudgeAnswer | JudgeFailed


class PlaybackJudge:
    """Answers from a recording; a question it does not hold fails with ``not_recorded``."""

    def __init__(self, outcomes: dict[str, Outcome]) -> None:
        self._outcomes = outcomes
        self.missed = 0

    @classmethod
    def from_file(cls, path: Path) -> PlaybackJudge:
        return cls(read_recording(path))

    def ask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        outcome = self._outcomes.get(request.digest)
        if outcome is None:
            self.missed += 1
            raise JudgeFailed("not_recorded", "no recorded answer for this request")
        if isinstance(outcome, JudgeFailed):
            raise JudgeFailed(outcome.reason, "recorded failure")
        return outcome

    async def aask(self, request: JudgeRequest, *, timeout_s: float) -> JudgeAnswer:
        return self.ask(request, timeout_s=timeout_s)

    def close(self) -> None:
        return None


def read_recording(path: Path) -> dict[str, Outcome]:
    """The outcomes of a recording by request digest (the last line wins); ``InputError``
    naming ``file:line`` for a line that is not a recorded outcome."""
    outcomes: dict[str, Outcome] = {}
    try:
        fh = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"--judge playback: cannot read {path} ({exc.strerror})") from None
    with fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            digest, outcome = _outcome(line, functools.partial(_bad, path, number))
            outcomes[digest] = outcome
    return outcomes


def _outcome(line: str, bad: Callable[[str], InputError]) -> tuple[str, Outcome]:
    try:
        data = json.loads(line)
    except ValueError:
        raise bad("not valid JSON") from None
    if not isinstance(data, dict):
        raise bad("expected a JSON object")
    digest = data.get("request")
    if not isinstance(digest, str) or len(digest) != 64:
        raise bad("'request' must be a 64-character sha256 digest")
    if "error" in data:
        reason = data["error"]
        try:
            return digest, JudgeFailed(str(reason), "recorded failure")
        except ValueError:
            raise bad(f"'error' must be a judge failure reason, not {str(reason)[:40]!r}") from None
    verdict, confidence = data.get("verdict"), data.get("confidence")
    if verdict not in ("attack", "benign"):
        raise bad('\'verdict\' must be "attack" or "benign"')
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not 0 <= confidence <= 1
    ):
        raise bad("'confidence' must be a number from 0 to 1")
    reason = data.get("reason", "")
    return digest, JudgeAnswer(
        verdict=verdict,
        confidence=float(confidence),
        reason=clean_reason(reason if isinstance(reason, str) else ""),
    )


def _bad(path: Path, line: int, problem: str) -> InputError:
    """The error of a bad recording line, naming ``file:line`` (never the line's text)."""
    return InputError(f"{path}:{line}: {problem} (a judge recording line)")


def judge_from_spec(spec: str, live: Callable[[], Judge]) -> Judge | None:
    """The judge ``spec`` names (see the module docstring); ``None`` for ``live`` (the
    policy's own endpoint). ``live`` builds the endpoint's client for ``record:``.
    ``InputError`` names the accepted forms."""
    kind, _, arg = spec.partition(":")
    if kind == "live" and not arg:
        return None
    if kind == "stub" and arg in ("benign", "attack"):
        return StubJudge(arg)
    if kind == "record" and arg:
        return RecordingJudge(live(), Path(arg))
    if kind == "playback" and arg:
        return PlaybackJudge.from_file(Path(arg))
    raise InputError(
        f"--judge: unknown {spec[:60]!r}; expected live, stub:benign, stub:attack, "
        "record:FILE or playback:FILE"
    )
