"""``aimds policy check|show|test``: validate, print and test policies.

- ``check FILE``: load (merging ``extends``) and compile every stage; errors read
  ``file:line: key: problem``, every schema problem on its own line, and exit 3.
- ``show FILE``: the compiled policy as YAML (or JSON): merged document, rule count, label.
- ``test CASES``: run a case file (see :mod:`aimds.rules.cases`), PASS/FAIL per case with
  the difference between expected and actual; exit 1 on any failure.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
import yaml

from aimds.cli.common import (
    EXIT_FLAGGED,
    EXIT_OK,
    EXIT_POLICY,
    cli_errors,
    fail,
    out,
    print_json,
)
from aimds.errors import PolicyError
from aimds.guard import Guard
from aimds.policy import Policy, load_policy
from aimds.rules.cases import CaseResult, load_cases, run_case

__all__ = ["register"]

policy_app = typer.Typer(
    name="policy", help="Validate, print and test policies.", no_args_is_help=True
)

FileArg = Annotated[str, typer.Argument(help="Policy YAML file or built-in pack name.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _summary(policy: Policy) -> dict[str, Any]:
    doc = policy.document
    return {
        "policy": policy.label,
        "name": policy.name,
        "version": policy.version,
        "digest": policy.digest,
        "source": policy.source,
        "rules": len(doc.rules),
        "hard_rules": sum(1 for r in doc.rules if r.hard),
    }


def _error_dict(exc: PolicyError) -> dict[str, Any]:
    return {
        "file": exc.file,
        "line": exc.line,
        "key": exc.key,
        "message": exc.message,
        "text": str(exc),
    }


@policy_app.command("check")
def check(file: FileArg, as_json: JsonOpt = False) -> None:
    """Validate a policy: schema, extends, hard rules, and every stage's compile step."""
    try:
        policy = load_policy(file)
        Guard(policy).close()
    except PolicyError as exc:
        problems = exc.problems or (exc,)
        if as_json:
            print_json({"ok": False, "error": _error_dict(problems[0]),
                        "errors": [_error_dict(p) for p in problems]})
            raise typer.Exit(EXIT_POLICY) from None
        if len(problems) == 1:
            fail(str(problems[0]), EXIT_POLICY)
        fail(f"{len(problems)} problems:\n" + "\n".join(str(p) for p in problems), EXIT_POLICY)
    summary = _summary(policy)
    if as_json:
        print_json({"ok": True, **summary})
    else:
        out.print(
            f"OK {summary['policy']}: {summary['rules']} rules "
            f"({summary['hard_rules']} hard) from {summary['source']}",
            highlight=False,
        )
    raise typer.Exit(EXIT_OK)


@policy_app.command("show")
def show(file: FileArg, as_json: JsonOpt = False) -> None:
    """Print the compiled policy: merged extends, rule count and hash label."""
    with cli_errors():
        policy = load_policy(file)
    document = policy.document.model_dump(mode="json", by_alias=True)
    summary = _summary(policy)
    if as_json:
        print_json({**summary, "document": document})
        return
    header = (
        f"# {summary['policy']} from {summary['source']}: {summary['rules']} rules "
        f"({summary['hard_rules']} hard), extends merged\n"
    )
    typer.echo(header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True), nl=False)


def _result_dict(result: CaseResult) -> dict[str, Any]:
    decision = result.decision
    return {
        "name": result.case.name,
        "passed": result.passed,
        "problems": list(result.problems),
        "expected": {
            "verdict": result.case.verdict.value if result.case.verdict else None,
            "rules": list(result.case.rules),
            "not_rules": list(result.case.not_rules),
        },
        "actual": {"verdict": decision.verdict.value, "rules": list(decision.rules)},
    }


@policy_app.command("test")
def test(
    cases: Annotated[str, typer.Argument(help="Case file (YAML, or JSONL one case a line).")],
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="Policy to test (overrides the file's).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run policy test cases and report PASS/FAIL per case."""
    with cli_errors():
        case_file = load_cases(cases)
        guard = Guard(policy or case_file.policy or "default")
        results = [run_case(guard.check, case) for case in case_file.cases]
        guard.close()
    failed = [r for r in results if not r.passed]
    if as_json:
        print_json(
            {
                "policy": guard.policy.label,
                "passed": len(results) - len(failed),
                "failed": len(failed),
                "results": [_result_dict(r) for r in results],
            }
        )
    else:
        for result in results:
            if result.passed:
                out.print(f"[green]PASS[/green] {result.case.name}", highlight=False)
                continue
            out.print(f"[red]FAIL[/red] {result.case.name}", highlight=False)
            for problem in result.problems:
                out.print(f"    - {problem}", highlight=False, markup=False)
            actual = _result_dict(result)
            out.print(f"    expected: {actual['expected']}", highlight=False, markup=False)
            out.print(f"    actual:   {actual['actual']}", highlight=False, markup=False)
        out.print(
            f"{len(results) - len(failed)} passed, {len(failed)} failed "
            f"under {guard.policy.label}",
            highlight=False,
        )
    raise typer.Exit(EXIT_FLAGGED if failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add ``aimds policy`` to ``app``."""
    app.add_typer(policy_app, name="policy")

