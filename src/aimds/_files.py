"""Files and directories that hold state: created private (0600 files, 0700 directories).

Audit logs, approval queues, keys and secrets are readable by nobody but the service's
user. SQLite creates its ``-wal`` and ``-shm`` files with the database file's mode, so
creating the database file private first is enough for all three.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["private_dir", "private_file", "write_private"]

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> None:
    """Create ``path`` (and parents) as 0700; an existing directory is left as it is (it
    may be shared on purpose), except a new one just made."""
    if path.is_dir():
        return
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; tighten a file this process
    just created. Raises ``OSError`` like ``open`` would."""
    if str(path) in ("", ":memory:") or path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file ``path`` that is 0600 from its first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
