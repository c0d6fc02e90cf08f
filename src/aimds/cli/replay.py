"""``aimds replay TRACE.jsonl [--policy P] [--output OUT.jsonl] [--labels L.jsonl] [--json]``.

Runs a recorded trace through the full guard with a fresh state store and the events' own
timestamps, then prints one row per session (which patterns fired, at which event) and a
totals row. With ``--output`` it writes one line per event (``{"index", "verdict", "risk",
"findings"}``); with ``--labels`` it scores the sessions (see :mod:`aimds.trace.labels`).
``--judge`` says who answers the policy's LLM judge: ``live`` (its endpoint), ``stub:benign``,
``stub:attack``, ``record:FILE`` (the endpoint, answers appended to FILE) or
``playback:FILE`` (answers from FILE only; see :mod:`aimds.judge.replay`).
Exit codes: 0 done, 2 bad trace or usage (the message names ``file:line``), 3 bad policy.

The steps are split so later options (policy comparison, an audit sink) can hook in: load
the trace, build the guard, run with a list of per-step sinks, render.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from aimds.cli import audit_cmd
from aimds.cli.common import EXIT_USAGE, cli_errors, err, fail, out, print_json
from aimds.guard import Guard
from aimds.judge.base import Judge
from aimds.trace.format import TraceEvent, read_trace
from aimds.trace.labels import LabelScore, read_labels, score_sessions
from aimds.trace.replay import (
    ReplayStep,
    SessionSummary,
    SessionTracker,
    fresh_guard,
    replay,
    step_record,
)

__all__ = ["register", "replay_command"]

Sink = Callable[[ReplayStep], None]


def replay_command(
    trace: Annotated[
        Path | None, typer.Argument(help="Trace file (JSONL, one event a line).")
    ] = None,
    compare_policies: Annotated[
        list[str] | None,
        typer.Argument(help="With --compare: the policies to compare (two or more).",
                       show_default=False),
    ] = None,
    policy: Annotated[
        str, typer.Option("--policy", "-p", help="Pack name or policy YAML file.")
    ] = "default",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write one JSON line per event here.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the session summaries as JSON.")
    ] = False,
    compare: Annotated[
        bool, typer.Option("--compare", help="Run TRACE under each policy given after it.")
    ] = False,
    audit_db: Annotated[
        str | None, typer.Option("--audit-db", help="Record every decision in this audit log.")
    ] = None,
    from_audit: Annotated[
        bool, typer.Option("--from-audit", help="Replay events stored in the audit log --db.")
    ] = False,
    db: Annotated[str | None, typer.Option("--db", help="Audit log for --from-audit.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="With --from-audit: 7d...")] = None,
    labels: Annotated[
        Path | None,
        typer.Option("--labels", help="Score sessions against this labels file (JSONL)."),
    ] = None,
    judge_spec: Annotated[
        str,
        typer.Option("--judge", help="LLM judge answers: live, stub:benign, stub:attack, "
                     "record:FILE or playback:FILE."),
    ] = "live",
) -> None:
    """Replay a recorded trace through the guard and summarise each session."""
    if from_audit or compare or compare_policies:
        _audit_replay(trace, compare_policies or [], policy=policy, compare=compare,
                      from_audit=from_audit, db=db, since=since, as_json=as_json,
                      output=output)
        return
    if trace is None:
        fail("give a TRACE file (or --from-audit --db PATH)", EXIT_USAGE)
    with cli_errors():
        events = read_trace(trace)
        expected = read_labels(labels) if labels is not None else None
        judge = _replay_judge(judge_spec, policy)
        guard = fresh_guard(policy, judge=judge)
    tracker = SessionTracker()
    sinks: list[Sink] = [tracker.add]
    audit = audit_cmd.open_replay_audit(audit_db) if audit_db is not None else None
    if audit is not None:
        sinks.append(audit_cmd.replay_audit_sink(audit))
    with guard, _output(output) as out_file:
        if out_file is not None:
            sinks.append(_writer(out_file))
        _run(events, guard, sinks, show_progress=not as_json)
    if audit is not None:
        audit.close()
    if judge is not None:
        judge.close()
        missed = getattr(judge, "missed", 0)
        if missed:
            err.print(f"--judge playback: {missed} question(s) not in the recording "
                      "(judge.error not_recorded)", highlight=False)
    sessions = tracker.sessions()
    scored = score_sessions(sessions, expected) if expected is not None else None
    _render(sessions, as_json=as_json, scored=scored)


def _audit_replay(trace: Path | None, policies: list[str], *, policy: str, compare: bool,
                  from_audit: bool, db: str | None, since: str | None, as_json: bool,
                  output: Path | None) -> None:
    """``--compare`` and ``--from-audit``; the logic lives in :mod:`aimds.cli.audit_cmd`."""
    if from_audit:
        if db is None:
            fail("--from-audit needs --db PATH_OR_URL", EXIT_USAGE)
        audit_cmd.from_audit_main(db, policies=[policy, *policies], since=since, tenant=None,
                                  schema="aimds_audit", as_json=as_json)
    elif not compare or trace is None:
        fail("extra arguments after TRACE are policies for --compare", EXIT_USAGE)
    else:
        audit_cmd.compare_main(trace, policies, as_json=as_json, output=output)


def _replay_judge(spec: str, policy: str) -> Judge | None:
    """The judge ``--judge`` names, or ``None`` for the policy's own endpoint. Anything
    but ``live`` needs a policy whose judge is on (else exit 2 naming the fix)."""
    from aimds.judge.replay import judge_from_spec
    from aimds.policy import load_policy

    if spec == "live":
        return None
    section = load_policy(policy).document.judge
    if not section.active:
        fail(f"--judge {spec.partition(':')[0]}: the policy's LLM judge is off; set "
             "judge.enabled: true (and a mode other than off) to replay its answers",
             EXIT_USAGE)

    def live() -> Judge:
        from aimds.judge.client import OpenAIJudge

        return OpenAIJudge.from_section(section)

    return judge_from_spec(spec, live)


def _run(
    events: Sequence[TraceEvent], guard: Guard, sinks: list[Sink], *, show_progress: bool
) -> None:
    progress = Progress(
        TextColumn("replaying"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not (show_progress and err.is_terminal),
    )
    with progress:
        task = progress.add_task("replay", total=len(events))
        for step in replay(events, guard):
            for sink in sinks:
                sink(step)
            progress.advance(task)


def _writer(fh: IO[str]) -> Sink:
    def write(step: ReplayStep) -> None:
        fh.write(json.dumps(step_record(step)) + "\n")

    return write


class _output:
    """Open ``--output`` for writing (or nothing); a path that cannot be opened exits 2."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._fh: IO[str] | None = None

    def __enter__(self) -> IO[str] | None:
        if self._path is None:
            return None
        try:
            self._fh = open(self._path, "w", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        except OSError as exc:
            fail(f"--output: cannot write {self._path} ({exc.strerror})", EXIT_USAGE)
        return self._fh

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()


@dataclass(frozen=True, slots=True)
class _Totals:
    sessions: int
    events: int
    with_findings: int
    verdicts: dict[str, int]
    by_rule: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {"sessions": self.sessions, "events": self.events,
                "sessions_with_findings": self.with_findings, "verdicts": self.verdicts,
                "sessions_by_rule": self.by_rule}


def _totals(sessions: list[SessionSummary]) -> _Totals:
    verdicts: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    for s in sessions:
        verdicts.update(s.verdicts)
        fired.update(s.first.keys())
    return _Totals(
        sessions=len(sessions),
        events=sum(s.events for s in sessions),
        with_findings=sum(1 for s in sessions if s.first),
        verdicts=dict(sorted(verdicts.items())),
        by_rule=dict(sorted(fired.items())),
    )


def _render(
    sessions: list[SessionSummary], *, as_json: bool, scored: LabelScore | None = None
) -> None:
    totals = _totals(sessions)
    if as_json:
        data: dict[str, object] = {
            "sessions": [s.as_dict() for s in sessions], "totals": totals.as_dict()
        }
        if scored is not None:
            data["labels"] = scored.as_dict()
        print_json(data)
        return
    table = Table(title=f"replay: {len(sessions)} session(s)", header_style="bold")
    for col in ("session", "agent", "events", "fired @ trace line/in session", "verdicts"):
        table.add_column(col, overflow="fold")
    for s in sessions:
        fired = ", ".join(f"{rule} @{at[0]}/{at[1]}" for rule, at in s.first.items()) or "-"
        verdicts = " ".join(f"{v}={n}" for v, n in sorted(s.verdicts.items()))
        table.add_row(s.session, s.agent, str(s.events), fired, verdicts)
    table.add_section()
    table.add_row(
        "total", "", str(totals.events),
        f"{totals.with_findings} session(s): "
        + (", ".join(f"{r} x{n}" for r, n in totals.by_rule.items()) or "-"),
        " ".join(f"{v}={n}" for v, n in totals.verdicts.items()),
        style="bold",
    )
    out.print(table)
    if scored is not None:
        _render_score(scored)


def _render_score(scored: LabelScore) -> None:
    d = scored.as_dict()
    out.print(
        f"labels: {scored.caught}/{scored.attacks} attack sessions caught "
        f"({scored.in_time} by their complete_at), {scored.flagged}/{scored.benign} benign "
        f"sessions flagged; recall {d['recall']}, false-positive rate "
        f"{d['false_positive_rate']}",
        highlight=False,
    )
    for pattern, counts in sorted(scored.by_pattern.items()):
        out.print(f"  {pattern}: {counts['caught']}/{counts['sessions']} caught, "
                  f"{counts['in_time']} in time", highlight=False)
    if scored.unlabelled or scored.missing:
        out.print(f"  {scored.unlabelled} session(s) without a label, {scored.missing} "
                  "label(s) without a session", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``aimds replay`` to ``app``."""
    app.command("replay")(replay_command)
