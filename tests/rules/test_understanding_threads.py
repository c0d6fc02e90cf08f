"""The tree-sitter parsers are per thread (a parser object is not safe to share), also when
the module is compiled by mypyc."""

from __future__ import annotations

import threading
from types import ModuleType

import pytest

from aimds.rules.understanding import powershell, shell


@pytest.mark.parametrize(("module", "parse"), [(shell, "_parse"), (powershell, "_ps_parse")])
def test_each_thread_parses_with_its_own_parser(module: ModuleType, parse: str) -> None:
    seen: list[object] = []  # the parsers themselves, kept alive so no address is reused

    def work() -> None:
        getattr(module, parse)("ls -la")
        seen.append(module._PARSERS.parser)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    work()
    assert len(seen) == 3 and len({id(p) for p in seen}) == 3
