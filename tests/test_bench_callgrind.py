"""benchmarks/callgrind.py: its scenarios give the verdicts they are named for, and it skips
cleanly where valgrind is absent (the instruction counts themselves are not tested here)."""

from __future__ import annotations

import shutil

import pytest
from benchmarks import callgrind


@pytest.mark.parametrize("name", list(callgrind.SCENARIOS))
def test_each_scenario_gives_its_verdict(name: str) -> None:
    call = callgrind._scenario_call(name)  # raises SystemExit on the wrong verdict
    expected = callgrind.SCENARIOS[name][1]
    for i in (0, 1, 17):
        assert call(i).verdict.value == expected  # type: ignore[attr-defined]


def test_without_valgrind_it_says_so_and_succeeds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert callgrind.main(["never-seen-allow"]) == 0
    assert "valgrind not found" in capsys.readouterr().out


def test_an_unknown_scenario_is_refused() -> None:
    with pytest.raises(SystemExit):
        callgrind.main(["no-such-scenario"])


def test_native_reports_p50_and_p99(capsys: pytest.CaptureFixture[str]) -> None:
    results = callgrind._native(["repeated-allow"], 200)
    row = results["repeated-allow"]
    assert row["calls"] == 200 and 0 < row["p50_us"] <= row["p99_us"]
    assert callgrind.main(["repeated-allow", "--native", "--calls", "10"]) == 0
    assert "p99" in capsys.readouterr().out
