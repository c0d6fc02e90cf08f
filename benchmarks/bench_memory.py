"""Attack memory: lookup among 10,000 entries, the memory stage, the guard with it on.

Entries are synthetic texts of 20-80 words drawn from a Zipf-shaped vocabulary of 5,000
words (so common shingles, and long posting lists, exist as in real text), stored in an
in-memory SQLite memory for one tenant; the index is built from the table once. Measured:

* ``memory lookup hit/miss``: one sketch looked up in the tenant's 10,000 entries (a
  near-duplicate of an entry, an unrelated text); the issue's budget is p50 <= 1 ms;
* ``seed lookup``: the same against the shipped seeds;
* ``sketch 200/2000 chars``: sketching a folded text (words, shingles, hashes);
* ``memory stage``: the whole stage on a 200-character prompt (allow-list check, sketch,
  both lookups);
* ``check_prompt memory on/off``: the default pack with and without the memory section.
"""

from __future__ import annotations

import random

from aimds.guard import Guard
from aimds.learn.learning import Learning
from aimds.learn.seeds import seed_index
from aimds.learn.sketch import sketch, window_sketches, words
from aimds.learn.stage import MemoryStage
from aimds.policy.sections.learn import AttackMemorySection
from aimds.text import build_views
from aimds.types import Evaluation, Event, EventKind
from benchmarks.harness import Result, measure

ENTRIES = 10_000
PROMPT = (
    "Please summarise the following article about the history of the printing press in "
    "Europe, focusing on Gutenberg's contributions and the social effects it had on literacy "
    "rates across the continent. Thanks!"
)[:200]


def _vocabulary(rng: random.Random, size: int = 5_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(size)]


def _texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    return [" ".join(rng.choices(vocab, weights, k=rng.randint(20, 80))) for _ in range(n)]


def _near(text: str, rng: random.Random) -> str:
    tokens = text.split()
    for _ in range(max(1, len(tokens) // 12)):  # about 8% of the words changed
        tokens[rng.randrange(len(tokens))] = "changed"
    return " ".join(tokens)


def run(quick: bool) -> list[Result]:
    n = 2_000 if quick else 20_000
    texts = _texts(ENTRIES + 1)
    learning = Learning()
    for text in texts[:ENTRIES]:
        learning.memory.add(
            "bench", window_sketches(words(text)), max_entries=ENTRIES, source="bench", actor="b"
        )
    assert learning.memory.count("bench") == ENTRIES
    rng = random.Random(3)
    hit = sketch(_near(texts[17], rng))
    miss = sketch(texts[ENTRIES])
    assert learning.memory.lookup("bench", hit, 0.5) is not None, "near-duplicate not recalled"
    assert learning.memory.lookup("bench", miss, 0.5) is None, "unrelated text recalled"
    seeds = seed_index()
    folded = build_views(PROMPT).folded
    folded_2000 = build_views((PROMPT + " ") * 10).folded
    section = AttackMemorySection(enabled=True)
    stage = MemoryStage(section, learning, seeds)
    views = build_views(PROMPT)
    event = Event(kind=EventKind.PROMPT, text=PROMPT)

    def run_stage() -> None:
        ev = Evaluation(event=event, ts=0.0)
        ev.views = views
        stage(ev)

    on = Guard({"name": "bench-memory", "extends": "default", "attack_memory": {"enabled": True}})
    off = Guard("default")
    extra = {"entries": ENTRIES, "seeds": len(seeds)}
    return [
        measure(
            "memory lookup hit (10k entries)",
            lambda: learning.memory.lookup("bench", hit, 0.5),
            n=n,
            extra=extra,
        ),
        measure(
            "memory lookup miss (10k entries)",
            lambda: learning.memory.lookup("bench", miss, 0.5),
            n=n,
            extra=extra,
        ),
        measure(
            "seed lookup (shipped seeds)", lambda: seeds.best(sketch(folded), 0.5), n=n, extra=extra
        ),
        measure("sketch 200 chars", lambda: sketch(folded), n=n),
        measure(
            "sketch 2000 chars (windows)",
            lambda: window_sketches(words(folded_2000)),
            n=max(200, n // 10),
        ),
        measure("memory stage (200-char prompt)", run_stage, n=n, extra=extra),
        measure("check_prompt memory on", lambda: on.check_prompt(PROMPT), n=max(500, n // 4)),
        measure("check_prompt memory off", lambda: off.check_prompt(PROMPT), n=max(500, n // 4)),
    ]
