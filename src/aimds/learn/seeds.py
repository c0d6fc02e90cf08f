"""The shipped attack seeds: sketches of known attacks, never their texts.

``data/attack_seeds.bin`` is built by ``scripts/build_attack_seeds.py`` from the attacks
of the training set (deterministically: the same data gives the same bytes) and checked
against ``data/attack_seeds.sha256`` when loaded. Each seed is one window of one attack
(see :func:`aimds.learn.sketch.window_sketches`); its id names the training row and the
window (``seed:<row id>#<window>``), which is all a match ever reports.

File layout (little-endian)::

    b"AIMDSSD1"  u32 count  u32 ids_bytes  ids (UTF-8, one per line)
    count x ( u16 n  n x u32 hash )
"""

from __future__ import annotations

import functools
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from aimds.errors import ConfigError
from aimds.learn.index import SketchIndex
from aimds.learn.sketch import Sketch

__all__ = ["MAGIC", "SEED_PREFIX", "SeedSet", "decode_seeds", "encode_seeds", "seed_index"]

MAGIC = b"AIMDSSD1"
SEED_PREFIX = "seed:"
_FILE = "attack_seeds.bin"


@dataclass(frozen=True, slots=True)
class SeedSet:
    ids: tuple[str, ...]
    sketches: tuple[Sketch, ...]


def encode_seeds(ids: Sequence[str], sketches: Sequence[Sketch]) -> bytes:
    """The file's bytes for ``ids`` and their ``sketches`` (same length, ids without newlines)."""
    if len(ids) != len(sketches):
        raise ValueError("one sketch per seed id")
    if any("\n" in i for i in ids):
        raise ValueError("seed ids must not contain newlines")
    names = "\n".join(ids).encode("utf-8")
    out = [MAGIC, struct.pack("<II", len(ids), len(names)), names]
    for sk in sketches:
        out.append(struct.pack(f"<H{len(sk)}I", len(sk), *sk))
    return b"".join(out)


def decode_seeds(data: bytes) -> SeedSet:
    """Parse :func:`encode_seeds` output (``ValueError`` naming the offset if malformed)."""
    if not data.startswith(MAGIC):
        raise ValueError("not an attack seed file (bad magic)")
    pos = len(MAGIC)
    try:
        count, size = struct.unpack_from("<II", data, pos)
        pos += 8
        ids = tuple(data[pos : pos + size].decode("utf-8").split("\n")) if count else ()
        pos += size
        sketches: list[Sketch] = []
        for _ in range(count):
            (n,) = struct.unpack_from("<H", data, pos)
            pos += 2
            sketches.append(struct.unpack_from(f"<{n}I", data, pos))
            pos += 4 * n
    except (struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"attack seed file truncated or corrupt at byte {pos}: {exc}") from None
    if len(ids) != count or pos != len(data):
        raise ValueError(
            f"attack seed file corrupt: {count} seeds, {len(ids)} ids, "
            f"{len(data) - pos} stray bytes"
        )
    return SeedSet(ids=ids, sketches=tuple(sketches))


@functools.cache
def seed_index() -> SketchIndex:
    """The index of the shipped seeds, built once per process (read-only afterwards).

    Raises :class:`ConfigError` when the file is missing or does not match its hash.
    """
    base = resources.files("aimds.learn") / "data"
    try:
        data = (base / _FILE).read_bytes()
        expected = (base / "attack_seeds.sha256").read_text(encoding="ascii").split()[0]
    except OSError:
        raise ConfigError(
            f"aimds.learn/data/{_FILE} or its .sha256 is missing; reinstall aimds or set "
            "attack_memory.seeds: false"
        ) from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise ConfigError(f"aimds.learn/data/{_FILE} does not match its sha256; reinstall aimds")
    seeds = decode_seeds(data)
    index = SketchIndex()
    for seed_id, sk in zip(seeds.ids, seeds.sketches, strict=True):
        index.add(SEED_PREFIX + seed_id, sk)
    return index
