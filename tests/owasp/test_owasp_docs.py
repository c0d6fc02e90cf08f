"""docs/owasp-agentic.md: lists exactly ASI01..ASI10 under their OWASP names, rates each one,
cites test modules and functions that exist, and every YAML policy on it loads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

import aimds
from aimds.policy import load_policy

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "owasp-agentic.md"
TEXT = PAGE.read_text(encoding="utf-8")

# The December 2025 list (OWASP GenAI Security Project).
RISKS = {
    "ASI01": "Agent Goal Hijack",
    "ASI02": "Tool Misuse and Exploitation",
    "ASI03": "Identity and Privilege Abuse",
    "ASI04": "Agentic Supply Chain Vulnerabilities",
    "ASI05": "Unexpected Code Execution",
    "ASI06": "Memory and Context Poisoning",
    "ASI07": "Insecure Inter-Agent Communication",
    "ASI08": "Cascading Failures",
    "ASI09": "Human-Agent Trust Exploitation",
    "ASI10": "Rogue Agents",
}


def _sections() -> dict[str, str]:
    parts = re.split(r"^## (ASI\d\d) .*$", TEXT, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_the_page_lists_exactly_the_ten_risks_in_order() -> None:
    headings = re.findall(r"^## (ASI\d\d) (.+)$", TEXT, flags=re.M)
    assert headings == list(RISKS.items())
    table = re.findall(r"^\| (ASI\d\d) ([^|]+?) \| (\w[\w ]*?) \|", TEXT, flags=re.M)
    assert [(risk, name) for risk, name, _ in table] == list(RISKS.items())


@pytest.mark.parametrize("risk", list(RISKS))
def test_each_risk_has_a_rating_consistent_with_the_table(risk: str) -> None:
    body = _sections()[risk]
    found = list(re.finditer(r"\*\*Coverage: (covered|partial|not covered)\.?\*\*", body))
    assert len(found) == 1, f"{risk}: one '**Coverage: ...**' line"
    rating = found[0].group(1)
    row = re.search(rf"^\| {risk} [^|]+ \| ([\w ]+?) \|", TEXT, flags=re.M)
    assert row is not None and row.group(1) == rating
    if rating != "covered":
        missing = body[found[0].end() :].strip()
        assert len(missing) > 80, f"{risk}: say what is missing"


@pytest.mark.parametrize("risk", list(RISKS))
def test_each_risk_cites_its_test_module_and_functions_that_exist(risk: str) -> None:
    body = _sections()[risk]
    modules = re.findall(r"`(tests/[\w/]+\.py)`", body)
    own = [m for m in modules if Path(m).name.startswith(f"test_{risk.lower()}_")]
    assert len(own) == 1, f"{risk} cites its own module tests/owasp/test_{risk.lower()}_*.py"
    names: set[str] = set()
    for module in modules:
        path = REPO / module
        assert path.is_file(), f"{risk} cites {module}, which does not exist"
        names |= _functions(path)
    cited = set(re.findall(r"`(test_\w+)`", body))
    assert cited, f"{risk} names its tests"
    assert not cited - names, f"{risk} cites tests that do not exist: {sorted(cited - names)}"
    tests = [n for n in _functions(REPO / own[0]) if n.startswith("test_")]
    assert len(tests) >= 3, f"{risk}: attacks and a benign twin"


def test_every_owasp_test_module_is_cited() -> None:
    cited = set(re.findall(r"`(tests/owasp/test_asi\d\d_\w+\.py)`", TEXT))
    present = {f"tests/owasp/{p.name}" for p in (REPO / "tests" / "owasp").glob("test_asi*.py")}
    assert present == cited


YAMLS = re.findall(r"```yaml\n(.*?)```", TEXT, flags=re.S)


def test_every_risk_has_a_policy_snippet() -> None:
    for risk, body in _sections().items():
        assert "```yaml" in body, f"{risk} shows its configuration"


@pytest.mark.parametrize("snippet", YAMLS, ids=[f"yaml{i}" for i in range(len(YAMLS))])
def test_every_policy_on_the_page_loads_and_guards(snippet: str) -> None:
    document = yaml.safe_load(snippet)
    policy = load_policy(document)
    guard = aimds.Guard(policy)
    try:
        d = guard.check_tool_call("shell", {"command": "rm -rf /"})
        assert d.verdict is aimds.Verdict.BLOCK  # hard rules survive every snippet
    finally:
        guard.close()
