"""What a distribution's package manager command does (apt, dnf, yum, zypper, apk, pacman).

``sudo apt-get install -y libpq-dev`` is everyday developer work: the package comes from the
repositories the system already trusts, signed by the distribution. What makes such a
command dangerous is anything else it is given: a package file or URL
(``apt-get install ./x.deb``, ``dnf install http://10.0.0.5/x.rpm``), an option that changes
where packages come from or whether signatures are checked (``--allow-unauthenticated``,
``--nogpgcheck``, ``--repofrompath``), or an option that runs a command of its own
(``apt-get update -o APT::Update::Pre-Invoke::=/bin/sh``). So the reading is an allow list:
:func:`read_system_package` reports a command as :attr:`SystemPackageOp.from_repositories`
only when its operation, every flag and every operand are of the known harmless shapes;
anything it does not recognise counts against it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["MANAGERS", "SystemPackageOp", "read_system_package"]

# Operations that install or refresh packages from the configured repositories, per manager.
_OPERATIONS: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "apt": frozenset({"install", "update", "upgrade", "full-upgrade", "reinstall"}),
        "apt-get": frozenset({"install", "update", "upgrade", "dist-upgrade", "reinstall"}),
        "aptitude": frozenset({"install", "update", "upgrade", "safe-upgrade", "reinstall"}),
        "dnf": frozenset({"install", "update", "upgrade", "makecache", "check-update",
                          "reinstall"}),
        "yum": frozenset({"install", "update", "upgrade", "makecache", "check-update",
                          "reinstall"}),
        "microdnf": frozenset({"install", "update", "upgrade", "makecache"}),
        "tdnf": frozenset({"install", "update", "upgrade", "makecache"}),
        "zypper": frozenset({"install", "in", "refresh", "ref", "update", "up"}),
        "apk": frozenset({"add", "update", "upgrade"}),
        # pacman's operation is a flag: -S (sync from the repositories) with y/u letters
        "pacman": frozenset({"-S", "-Sy", "-Syy", "-Su", "-Syu", "-Syyu", "--sync"}),
    }
)  # fmt: skip
MANAGERS: frozenset[str] = frozenset(_OPERATIONS)
"""Binary names of the distributions' package managers."""

# Flags that change nothing about where packages come from or what runs: answers, quietness,
# recommends, caching. Any flag not listed here (``-o``, ``-c``, ``--nogpgcheck``,
# ``--allow-unauthenticated``, ``--repofrompath``, ``--root``, ``--overwrite``...) makes the
# command something other than a plain repository install.
_HARMLESS_FLAGS = frozenset(
    {"-y", "--yes", "--assume-yes", "-q", "-qq", "--quiet", "--no-install-recommends",
     "--no-install-suggests", "--only-upgrade", "--fix-missing", "--no-upgrade",
     "--no-cache", "--update", "--noconfirm", "--needed", "--refresh", "-n",
     "--non-interactive", "--no-confirm", "--best", "--setopt=install_weak_deps=False",
     "--setopt=install_weak_deps=false", "--nodocs", "--no-progress", "-v", "--verbose",
     "--show-progress", "--allowerasing"}
)  # fmt: skip
# Environment settings a package install is commonly given; any other assignment
# (``APT_CONFIG=/tmp/x``, ``LD_PRELOAD=...``) changes what runs.
_HARMLESS_ENV = frozenset({"DEBIAN_FRONTEND", "NEEDRESTART_MODE", "NEEDRESTART_SUSPEND", "TZ"})
# A package name, optionally pinned (``libpq-dev=15.4-1``, ``gcc-12``, ``python3.11``,
# ``nginx:amd64``, ``curl>=8``); never a path, a URL or a package file.
_PACKAGE = re.compile(r"[A-Za-z0-9@][A-Za-z0-9+._-]*(?::[a-z0-9]+)?(?:(?:=|>=|<=|~=)[\w.+~:-]+)?")
_PACKAGE_FILE = re.compile(r"\.(?:deb|rpm|apk|tar\.\w+|pkg\.tar(?:\.\w+)?)$", re.IGNORECASE)
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_BARE = re.compile(r"[:=<>~]")
_QUIET_YES = re.compile(r"-[yq]{2,4}")  # ``-yq``, ``-qqy``: answers and quietness combined


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemPackageOp:
    """What one package manager command line does.

    ``manager``: the program (``apt-get``); ``from_repositories``: it only installs or
    refreshes named packages from the configured repositories with harmless flags;
    ``packages``: the package names without version pins or architectures;
    ``sources``: URLs among its operands (packages fetched from elsewhere);
    ``files``: package files or paths among its operands; ``commands``: values of options
    that run a command (apt's ``Pre-Invoke``/``Post-Invoke`` hooks given with ``-o``).
    """

    manager: str
    from_repositories: bool
    packages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()


def _binary(word: str) -> str:
    return word.rsplit("/", 1)[-1].lower()


def read_system_package(argv: Sequence[str]) -> SystemPackageOp | None:
    """Read ``argv`` (launchers already stripped; leading ``NAME=value`` settings allowed) as
    a distribution package manager command, or ``None`` when it is not one."""
    i = 0
    harmless_env = True
    while i < len(argv) and (m := _ASSIGN.match(argv[i])) is not None:
        harmless_env = harmless_env and m.group(1) in _HARMLESS_ENV
        i += 1
    if i >= len(argv):
        return None
    manager = _binary(argv[i])
    operations = _OPERATIONS.get(manager)
    if operations is None:
        return None
    rest = list(argv[i + 1 :])
    operation: str | None = None
    flags_ok = True
    sources: list[str] = []
    files: list[str] = []
    commands: list[str] = []
    names: list[str] = []
    j = 0
    while j < len(rest):
        word = rest[j]
        if manager == "pacman" and operation is None and word in operations:
            operation = word
        elif word.startswith("-") and word != "-":
            if word in ("-o", "--option") and j + 1 < len(rest):
                j += 1
                commands.extend(_hook_commands(rest[j]))
                flags_ok = False
            elif word.startswith("--option="):
                commands.extend(_hook_commands(word.removeprefix("--option=")))
                flags_ok = False
            elif word.startswith("-o"):
                commands.extend(_hook_commands(word[2:]))
                flags_ok = False
            elif word not in _HARMLESS_FLAGS and not _QUIET_YES.fullmatch(word):
                flags_ok = False
        elif operation is None and manager != "pacman":
            operation = word
        elif "://" in word:
            sources.append(word)
        elif "/" in word or word.startswith((".", "~")) or _PACKAGE_FILE.search(word):
            files.append(word)
        else:
            names.append(word)
        j += 1
    from_repositories = (
        harmless_env
        and flags_ok
        and operation in operations
        and not (sources or files or commands)
        and all(_PACKAGE.fullmatch(n) for n in names)
    )
    return SystemPackageOp(
        manager=manager,
        from_repositories=from_repositories,
        packages=tuple(_BARE.split(n, 1)[0].lower() for n in names),
        sources=tuple(sources),
        files=tuple(files),
        commands=tuple(commands),
    )


# apt's hook options: the value after ``=`` (or ``::=``) is a shell command apt runs
_HOOK = re.compile(r"(?i)(?:pre|post)-invoke(?:-success)?|pre-install-pkgs|::Pre-Invoke")


def _hook_commands(option: str) -> list[str]:
    """The command an ``-o Name=value`` option runs, where the option is a hook."""
    name, eq, value = option.partition("=")
    if not eq or _HOOK.search(name) is None:
        return []
    return [value.lstrip(":=").strip()] if value.strip(":= ") else []
