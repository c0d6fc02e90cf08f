"""One ``openat2`` system call: does a path exist with no symbolic link on it?

Kept apart from :mod:`aimds.rules.paths` because it defines a ``ctypes`` structure, which
the mypyc compiler of that module (setup.py) cannot; this module stays plain Python.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

__all__ = ["Openat2"]

_O_PATH: int = getattr(os, "O_PATH", 0)


class Openat2:
    """``openat2(path, O_PATH, RESOLVE_NO_SYMLINKS)`` through ``ctypes`` (Linux >= 5.6).

    One system call that opens ``path`` only if it exists and no component of it is a
    symbolic link (magic links included): then the path means what it says lexically. It
    answers the usual case, a plain existing path, for half the cost of the three calls
    that ask the kernel for the canonical name. Where the call is missing (another OS, an
    older kernel, a seccomp filter) it reports ``None`` once and stays out of the way.
    """

    _SYSCALL = 437  # openat2: the same number on every Linux architecture
    _RESOLVE_NO_SYMLINKS = 0x04
    _AT_FDCWD = -100

    def __init__(self) -> None:
        self._call: Any = None
        self._how: Any = None
        self._size = 0
        if not sys.platform.startswith("linux") or not _O_PATH:
            return
        try:
            import ctypes

            class OpenHow(ctypes.Structure):
                _fields_ = [  # noqa: RUF012 - the ctypes layout of struct open_how
                    ("flags", ctypes.c_uint64),
                    ("mode", ctypes.c_uint64),
                    ("resolve", ctypes.c_uint64),
                ]

            call = ctypes.CDLL(None, use_errno=True).syscall
            call.restype = ctypes.c_long
            how = OpenHow(_O_PATH | os.O_CLOEXEC, 0, self._RESOLVE_NO_SYMLINKS)
        except (OSError, AttributeError, ImportError):
            return
        self._call, self._how, self._size = call, ctypes.byref(how), ctypes.sizeof(how)
        self._keep = how  # the byref above points into it
        self._errno = ctypes.get_errno

    def plain(self, path: str) -> bool | None:
        """True: ``path`` exists and has no symlink; False: it may not; None: unknown."""
        found = self.status(path)
        return None if found is None else found == 0

    def status(self, path: str) -> int | None:
        """0: ``path`` exists and has no symlink; else the call's ``errno`` (``ELOOP``: a
        symlink on the way; ``ENOENT``/``ENOTDIR``: a component is missing or no directory,
        and none before it is a symlink, since the walk stops at the first symlink); None:
        unknown (the call is unavailable)."""
        call = self._call
        if call is None or "\x00" in path:
            return None
        fd = call(self._SYSCALL, self._AT_FDCWD, os.fsencode(path), self._how, self._size)
        if fd >= 0:
            os.close(fd)
            return 0
        code: int = self._errno()
        if code in (errno.ENOSYS, errno.EPERM, errno.E2BIG, errno.EINVAL):
            self._call = None  # not available here: never ask again
            return None
        return code or errno.EIO  # a symlink on the way (ELOOP, EXDEV), a missing part...
