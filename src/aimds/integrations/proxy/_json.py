"""JSON for the proxy's hot path: orjson where installed (the ``proxy`` extra), else json."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads"]

try:
    import orjson

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

    def loads(data: bytes | str) -> Any:
        return orjson.loads(data)

except ImportError:  # pragma: no cover - orjson comes with the extra

    def dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    def loads(data: bytes | str) -> Any:
        return json.loads(data)
