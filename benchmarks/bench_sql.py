"""SQL understanding (``aimds.rules.understanding.sql``): the cost of reading a statement.

Never-seen statements (a fresh literal each call, so the reading cache misses): a typical
join read as PostgreSQL alone, and a statement with characters whose meaning differs between
dialects (a ``/* */`` comment), read as PostgreSQL, MySQL, T-SQL, SQLite and generic SQL.
Then a repeated statement (a cache hit), and never-seen prose (no statement keyword: the
parser is skipped).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from aimds.rules.understanding.facts import Facts
from aimds.rules.understanding.sql import analyze_sql
from benchmarks.harness import Result, measure

JOIN = (
    "SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
    "WHERE o.id = {} ORDER BY o.total DESC LIMIT 50"
)
COMMENTED = "UPDATE tickets /* agent */ SET status = 'closed' WHERE id = {}"
PROSE = "how many customers signed up last week in region {}"


def _fresh(template: str) -> Callable[[], object]:
    counter = itertools.count(10_000_000)

    def one() -> object:
        return analyze_sql(template.format(next(counter)), Facts("db:query"))

    return one


def run(quick: bool) -> list[Result]:
    n = 200 if quick else 2_000
    warm = 20 if quick else 100
    return [
        measure("sql never-seen join (1 dialect)", _fresh(JOIN), n=n, warmup=warm),
        measure("sql never-seen commented update (5)", _fresh(COMMENTED), n=n, warmup=warm),
        measure(
            "sql repeated join (cache hit)",
            lambda: analyze_sql(JOIN.format(7), Facts("db:query")),
            n=n * 10,
            warmup=warm,
        ),  # fmt: skip
        measure("sql never-seen prose (no parser)", _fresh(PROSE), n=n * 10, warmup=warm),
    ]
