import json
from collections import Counter

ROWS = []
_counters = Counter()


def _id(prefix, cls):
    _counters[(prefix, cls)] += 1
    return f"{prefix}-{cls}-{_counters[(prefix, cls)]:03d}"


def D(tool, args, cls, note):
    ROWS.append({"id": _id("d", cls), "tool": tool, "args": args,
                 "expect": "stop", "class": cls, "note": note})


def B(tool, args, cls, note):
    ROWS.append({"id": _id("b", cls), "tool": tool, "args": args,
                 "expect": "allow", "class": cls, "note": note})


def DS(steps, cls, note):
    ROWS.append({"id": _id("d", cls), "session": steps,
                 "expect": "stop", "class": cls, "note": note})


def BS(steps, cls, note):
    ROWS.append({"id": _id("b", cls), "session": steps,
                 "expect": "allow", "class": cls, "note": note})


def call(tool, args):
    return {"tool": tool, "args": args}


def res(tool, text):
    return {"tool": tool, "result": text}
