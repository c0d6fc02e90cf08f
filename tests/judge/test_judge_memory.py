"""The answer cache and the task memory stay bounded and forget on time, whatever happens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aimds.judge import AnswerCache, JudgeAnswer
from aimds.judge.tasks import MAX_TASK_CHARS, TaskMemory
from aimds.types import Event, EventKind, Subject

ANSWER = JudgeAnswer(verdict="benign", confidence=1.0)

ops = st.lists(
    st.tuples(st.sampled_from(["put", "get", "tick"]), st.integers(0, 30), st.floats(0, 5)),
    max_size=200,
)


@given(size=st.integers(1, 8), ttl=st.floats(0.5, 10), steps=ops)
@settings(max_examples=200, deadline=None)
def test_cache_never_exceeds_its_size_nor_serves_expired_answers(
    size: int, ttl: float, steps: list[tuple[str, int, float]]
) -> None:
    now = [0.0]
    cache = AnswerCache(size=size, ttl_s=ttl, monotonic=lambda: now[0])
    stored: dict[str, float] = {}
    for op, key, dt in steps:
        k = f"k{key}"
        if op == "put":
            cache.put(k, ANSWER)
            stored[k] = now[0]
        elif op == "get":
            got = cache.get(k)
            if got is not None:
                assert now[0] - stored[k] < ttl
        else:
            now[0] += dt
        assert len(cache) <= size


def test_cache_off_when_size_or_ttl_is_zero() -> None:
    for cache in (AnswerCache(size=0, ttl_s=60), AnswerCache(size=10, ttl_s=0)):
        cache.put("k", ANSWER)
        assert cache.get("k") is None and len(cache) == 0


def test_cache_evicts_the_least_recently_used() -> None:
    cache = AnswerCache(size=2, ttl_s=60)
    cache.put("a", ANSWER)
    cache.put("b", ANSWER)
    assert cache.get("a") is ANSWER
    cache.put("c", ANSWER)
    assert cache.get("b") is None and cache.get("a") is ANSWER


@given(sessions=st.lists(st.integers(0, 50), max_size=300))
@settings(max_examples=100, deadline=None)
def test_task_memory_is_bounded(sessions: list[int]) -> None:
    memory = TaskMemory(size=10)
    for n in sessions:
        memory.remember(
            Event(kind=EventKind.PROMPT, text=f"task {n}", subject=Subject(session=f"s{n}"))
        )
    assert len(memory._tasks) <= 10
    if sessions:
        last = sessions[-1]
        probe = Event(kind=EventKind.TOOL_RESULT, subject=Subject(session=f"s{last}"))
        assert memory.task_for(probe) == f"task {last}"


def test_tasks_expire_are_cut_and_only_prompts_count() -> None:
    now = [0.0]
    memory = TaskMemory(ttl_s=60, monotonic=lambda: now[0])
    who = Subject(tenant="acme", session="s1")
    memory.remember(Event(kind=EventKind.COMPLETION, text="not a task", subject=who))
    probe = Event(kind=EventKind.TOOL_RESULT, subject=who)
    assert memory.task_for(probe) is None
    memory.remember(Event(kind=EventKind.PROMPT, text="x" * (MAX_TASK_CHARS + 10), subject=who))
    assert len(memory.task_for(probe) or "") == MAX_TASK_CHARS
    assert (
        memory.task_for(
            Event(kind=EventKind.TOOL_RESULT, subject=Subject(tenant="globex", session="s1"))
        )
        is None
    )
    now[0] += 61
    assert memory.task_for(probe) is None
