"""Files a send's body names for its client to read and send (issue 12).

A body need not hold the data it sends: HTTP clients and agent frameworks read a file in
its place when the body says so. ``curl -d @file`` and HTTPie's ``field=@file`` take
``@path``; templates take ``{{file:/path}}`` or ``{% include "/path" %}``; a shell expands
``$(cat path)``; a ``file://`` URL names a local file; and a model asked to exfiltrate
writes ``<contents of ~/.ssh/id_rsa>`` for whatever fills it in. Each is a reference to a
file's contents, not a mention of it: ``see ~/.ssh/config for hosts`` names a file and
sends nothing of it, ``@maria`` and ``@here`` are people, ``user@host`` an address.

:func:`referenced_files` returns the paths so referenced; the caller judges each as a file
the call reads (a credential store is credential access, a system file a system path) and
marks the send's payload as computed (read when the call runs: no detector sees it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["referenced_files"]

# A path from the home directory may name it by its variable (``$HOME/.netrc``,
# ``${HOME}/.netrc``, ``%USERPROFILE%/.netrc``): returned with ``~`` in its place.
_HOME_VARIABLE = re.compile(r"^(?:\$\{?HOME\}?|%(?:USERPROFILE|HOME)%)(?=[/\\])", re.IGNORECASE)
_PATH = (
    r"(?:~|\$\{?HOME\}?(?=[/\\])|%(?:USERPROFILE|HOME)%(?=[/\\])|\.{1,2}/|/)"
    r"[^\s\"'<>{}()\[\],;|`]*"
)
# A name relative to the working directory (``.netrc``, ``config/app.env``): a path only
# where the form can name nothing else (a template's file include).
_NAME = r"[\w.][^\s\"'<>{}()\[\],;|`]*"
# Each alternative's one group is the path.
_REFERENCES = re.compile(
    # @path where a value or field starts (not user@host, not @mention)
    r"(?:^|[\s\"'=:,{\[(])@(" + _PATH + r")"
    # file:// URLs (file:///etc/passwd, file://localhost/etc/passwd)
    r"|\bfile://(?:localhost)?(" + _PATH + r")"
    # template includes: {{file:/p}}, {{ read('/p') }}, {% include "/p" %}, ${file(/p)}
    r"|(?:\{\{|\{%|\$\{)\s*(?:file|include|read|readfile|read_file|load|import|contents?)"
    r"\b[\s:('\"]*(" + _PATH + "|" + _NAME + r")"
    # a shell's substitution of a file: $(cat p), $(< p), `cat p`, $(base64 p)
    r"|(?:\$\(|`)\s*(?:<|(?:cat|base64|head|tail|xxd|od|gzip\s+-c|tar\s+c\S*)\s+(?:-\S+\s+)*)"
    r"\s*(" + _PATH + r")"
    # a placeholder for a file's contents: <contents of p>, [content of p], {body of file p}
    r"|(?:contents?|body|text|data|bytes)\s+(?:of|from|in)\s+(?:the\s+)?(?:file\s+)?"
    r"[\"'`]?(" + _PATH + r")",
    re.IGNORECASE,
)
_MAX_CHARS = 20_000
_MAX_PATHS = 16


def referenced_files(text: str) -> Iterator[str]:
    """The paths ``text`` names as contents to read and send (at most 16, in order)."""
    found = 0
    for match in _REFERENCES.finditer(text[:_MAX_CHARS]):
        path = next((g for g in match.groups() if g), "").rstrip(".:")
        path = _HOME_VARIABLE.sub("~", path).replace("\\", "/")
        if path in ("", "/", "~", ".", ".."):
            continue
        yield path
        found += 1
        if found >= _MAX_PATHS:
            return
