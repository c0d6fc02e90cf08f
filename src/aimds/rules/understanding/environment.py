"""Environment variables that decide what code runs: setting one is planting code.

``LD_PRELOAD=/tmp/x.so`` loads a library into every program started afterwards,
``PATH=/tmp/evil:...`` swaps the programs a name resolves to, ``PYTHONSTARTUP``,
``NODE_OPTIONS``, ``BASH_ENV`` and ``GIT_SSH_COMMAND`` run what they name, and the proxy and
CA-bundle variables let someone else read or forge the traffic. A tool that sets variables
(``set_env``, ``docker_run {"env": {...}}``) is read here; the shell reader tags its own
assignments (``export LD_PRELOAD=...``) the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from aimds.rules.understanding.network import is_secret_reference

__all__ = [
    "HIJACKING",
    "SETTER_WORDS",
    "VARIABLE_MAP_KEYS",
    "hijacking_variables",
    "sets_from_references",
]

# Loaders, interpreters and shells run what these name; proxies and trust stores take over
# the traffic. Compared upper-case (proxy variables come in both cases).
HIJACKING = frozenset(
    {
        "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "DYLD_INSERT_LIBRARIES",
        "DYLD_LIBRARY_PATH", "PATH", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME",
        "PYTHONUSERBASE", "NODE_OPTIONS", "NODE_PATH", "PERL5OPT", "PERL5LIB", "RUBYOPT",
        "RUBYLIB", "BASH_ENV", "ENV", "PROMPT_COMMAND", "GIT_SSH_COMMAND", "GIT_SSH",
        "GIT_EXEC_PATH", "GIT_ASKPASS", "SSH_ASKPASS", "EDITOR", "VISUAL", "PAGER",
        "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
        "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
        "NODE_EXTRA_CA_CERTS", "NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY",
        "GIT_SSL_NO_VERIFY",
    }
)  # fmt: skip
# Tool-name words of a tool that sets variables, and argument keys that name one or hold many.
SETTER_WORDS = frozenset({"env", "environ", "environment", "envvar", "setenv", "putenv",
                          "variable", "variables", "var", "vars"})  # fmt: skip
_NAME_KEYS = ("name", "key", "var", "variable", "env_var", "envvar", "variable_name")
VARIABLE_MAP_KEYS = frozenset({"env", "environment", "env_vars", "envvars", "variables", "vars"})


def hijacking_variables(args: Mapping[str, Any], *, setter: bool) -> Iterator[str]:
    """Names of code- or traffic-hijacking variables the call sets: under a variable map
    (``env``, ``environment``...) of any tool, or named by ``name``/``key`` of a tool whose
    name says it sets variables (``setter``)."""
    for key in VARIABLE_MAP_KEYS:
        value = args.get(key)
        if isinstance(value, Mapping):
            yield from (str(k) for k in list(value)[:200] if str(k).upper() in HIJACKING)
        elif isinstance(value, (list, tuple)):  # ["LD_PRELOAD=/tmp/x.so", ...]
            for item in value[:200]:
                name = str(item).partition("=")[0].strip()
                if "=" in str(item) and name.upper() in HIJACKING:
                    yield name
    if setter:
        for key in _NAME_KEYS:
            value = args.get(key)
            if isinstance(value, str) and value.strip().upper() in HIJACKING:
                yield value.strip()


_VALUE_KEYS = ("value", "val", "ref", "reference", "secret_ref", "value_from", "from", "source")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def sets_from_references(args: Mapping[str, Any]) -> bool:
    """Whether a variable-setting tool's call (``set_env``) only binds variables to secret
    references: ``{"name": "OPENAI_API_KEY", "value": "env:OPENAI_API_KEY"}`` or a variable
    map whose every value is one (``vault://kv/app#token``, ``${{ secrets.X }}``). The tool
    resolves the handle; nothing in the call is a secret, a path, a URL or a command, and no
    variable decides what code runs (:data:`HIJACKING`). Anything else in the call: False."""
    bindings: list[tuple[Any, Any]] = []
    rest = dict(args)
    name = next((rest.pop(k) for k in _NAME_KEYS if k in rest), None)
    value = next((rest.pop(k) for k in _VALUE_KEYS if k in rest), None)
    if name is not None or value is not None:
        bindings.append((name, value))
    for key in VARIABLE_MAP_KEYS:
        if isinstance(rest.get(key), Mapping):
            bindings.extend(list(rest.pop(key).items())[:200])
    if rest or not bindings:
        return False  # an argument this reading does not know, or nothing bound
    return all(
        isinstance(n, str)
        and _VARIABLE_NAME.fullmatch(n) is not None
        and n.upper() not in HIJACKING
        and isinstance(v, str)
        and is_secret_reference(v)
        for n, v in bindings
    )
