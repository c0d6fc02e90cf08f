"""The LLM judge (Gate 2 of the dual gate): an OpenAI-compatible model asked, when the fast
gates are unsure or an action is sensitive, whether an event is an attack on the user's task.

Policy section ``judge`` (:mod:`aimds.policy.sections.judge`); pipeline stage
:mod:`aimds.judge.stage`; docs/judge.md.
"""

from aimds.judge.base import FAILURE_REASONS, Judge, JudgeAnswer, JudgeFailed, JudgeRequest
from aimds.judge.cache import AnswerCache
from aimds.judge.gate import Gate, pre_decide
from aimds.judge.parse import parse_completion, parse_verdict
from aimds.judge.replay import PlaybackJudge, RecordingJudge, StubJudge, judge_from_spec
from aimds.judge.stage import JUDGE_KEY, JudgeStage, build_stage

__all__ = [
    "AnswerCache",
    "FAILURE_REASONS",
    "Gate",
    "JUDGE_KEY",
    "Judge",
    "JudgeAnswer",
    "JudgeFailed",
    "JudgeRequest",
    "JudgeStage",
    "PlaybackJudge",
    "RecordingJudge",
    "StubJudge",
    "build_stage",
    "judge_from_spec",
    "parse_completion",
    "parse_verdict",
    "pre_decide",
]
