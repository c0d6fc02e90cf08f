"""Where OCSF security events go: JSONL files with rotation, an HTTP webhook, stdout.

Sinks are called from the audit writer thread after a commit, never from the guard's hot
path. ``emit`` must not block for long: the webhook sink only appends to a bounded buffer
its own thread drains (oldest events are dropped and counted when it overflows).
"""

from __future__ import annotations

import collections
import json
import logging
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

from aimds._files import private_dir, private_file
from aimds.audit.metrics import Metrics, NoopMetrics
from aimds.errors import ConfigError

__all__ = ["JsonlSink", "Sink", "StdoutSink", "WebhookSink", "build_sinks"]

log = logging.getLogger("aimds.audit")

_SEVERITY_MIN = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}


class Sink(Protocol):
    name: str

    def emit(self, events: Sequence[Mapping[str, Any]]) -> None: ...

    def close(self) -> None: ...


def _line(event: Mapping[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"


class JsonlSink:
    """Appends one JSON line per event; rotates ``path`` to ``path.1`` ... at ``max_bytes``."""

    def __init__(
        self, path: str | Path, *, max_bytes: int = 50 * 1024 * 1024, backups: int = 5,
        min_severity: int = 1, metrics: Metrics | None = None,
    ) -> None:
        self.name = f"jsonl:{path}"
        self.path = Path(path)
        self._max = max_bytes
        self._backups = backups
        self._min = min_severity
        self._metrics = metrics or NoopMetrics()
        self._lock = threading.Lock()
        self._fh: TextIO | None = None
        self._size = 0

    def _open(self) -> TextIO:
        if self._fh is None:
            private_dir(self.path.parent)
            private_file(self.path)
            self._fh = self.path.open("a", encoding="utf-8")
            self._size = self.path.stat().st_size
        return self._fh

    def _rotate(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._backups == 0:
            self.path.unlink(missing_ok=True)
            return
        for i in range(self._backups - 1, 0, -1):
            src = self.path.with_name(f"{self.path.name}.{i}")
            if src.exists():
                src.replace(self.path.with_name(f"{self.path.name}.{i + 1}"))
        if self.path.exists():
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))

    def emit(self, events: Sequence[Mapping[str, Any]]) -> None:
        with self._lock:
            written = 0
            try:
                for event in events:
                    if int(event.get("severity_id", 1)) < self._min:
                        continue
                    line = _line(event)
                    if self._size and self._size + len(line) > self._max:
                        self._rotate()
                    fh = self._open()
                    fh.write(line)
                    self._size += len(line.encode("utf-8"))
                    written += 1
                if self._fh is not None:
                    self._fh.flush()
            except OSError as exc:
                self._metrics.sink_event(self.name, "error", len(events) - written)
                log.error("audit sink %s failed: %s", self.name, exc.strerror)
            self._metrics.sink_event(self.name, "ok", written)

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


class StdoutSink:
    """One JSON line per event on standard output (or any text stream given)."""

    def __init__(self, *, stream: TextIO | None = None, min_severity: int = 1) -> None:
        self.name = "stdout"
        self._stream = stream
        self._min = min_severity
        self._lock = threading.Lock()

    def emit(self, events: Sequence[Mapping[str, Any]]) -> None:
        stream = self._stream if self._stream is not None else sys.stdout
        with self._lock:
            for event in events:
                if int(event.get("severity_id", 1)) >= self._min:
                    stream.write(_line(event))
            stream.flush()

    def close(self) -> None:
        return None


class WebhookSink:
    """POSTs JSON arrays of events to ``url`` from a thread of its own.

    Batches of up to ``batch`` events; each batch is retried ``retries`` times with
    exponential backoff (``backoff_s``, doubled each time) on network errors and 5xx/429
    answers, then dropped and counted. At most ``buffer`` events wait; when more arrive the
    oldest are dropped and counted (``dropped``), so ``emit`` never blocks.
    """

    def __init__(
        self, url: str, *, batch: int = 100, buffer: int = 10_000, retries: int = 3,
        timeout_s: float = 5.0, backoff_s: float = 0.2, min_severity: int = 1,
        headers: Mapping[str, str] | None = None, metrics: Metrics | None = None,
        post: Callable[[bytes], int] | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ConfigError("audit.sinks[].url: a webhook URL must start with http:// or https://")
        self.name = f"webhook:{url.split('?')[0]}"
        self.url = url
        self._batch = batch
        self._retries = retries
        self._timeout = timeout_s
        self._backoff = backoff_s
        self._min = min_severity
        self._headers = {"Content-Type": "application/json", **(headers or {})}
        self._metrics = metrics or NoopMetrics()
        self._post = post or self._http_post
        self._buf: collections.deque[Mapping[str, Any]] = collections.deque(maxlen=buffer)
        self._cond = threading.Condition()
        self._closed = False
        self._inflight = 0
        self.dropped = 0
        self.sent = 0
        self._thread = threading.Thread(target=self._run, name="aimds-webhook-sink", daemon=True)
        self._thread.start()

    def emit(self, events: Sequence[Mapping[str, Any]]) -> None:
        with self._cond:
            for event in events:
                if int(event.get("severity_id", 1)) < self._min:
                    continue
                if len(self._buf) == self._buf.maxlen:
                    self.dropped += 1
                    self._metrics.sink_event(self.name, "dropped")
                self._buf.append(event)
            self._cond.notify_all()

    def _http_post(self, body: bytes) -> int:
        req = urllib.request.Request(self.url, data=body, headers=self._headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self._timeout) as resp:  # noqa: S310
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._buf and not self._closed:
                    self._cond.wait(0.5)
                if not self._buf and self._closed:
                    return
                batch = [self._buf.popleft() for _ in range(min(self._batch, len(self._buf)))]
                self._inflight = len(batch)
            self._send(batch)
            with self._cond:
                self._inflight = 0
                self._cond.notify_all()

    def _send(self, batch: list[Mapping[str, Any]]) -> None:
        body = json.dumps(batch, ensure_ascii=False, default=str).encode("utf-8")
        delay = self._backoff
        for attempt in range(self._retries + 1):
            try:
                status = self._post(body)
            except (OSError, urllib.error.URLError):
                status = 0
            if 200 <= status < 300:
                self.sent += len(batch)
                self._metrics.sink_event(self.name, "ok", len(batch))
                return
            if 400 <= status < 500 and status != 429:
                break
            if attempt < self._retries:
                time.sleep(delay)
                delay *= 2
        self.dropped += len(batch)
        self._metrics.sink_event(self.name, "failed", len(batch))
        log.error("audit webhook gave up on %d events (%s)", len(batch), self.name)

    def flush(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            self._cond.notify_all()
            while self._buf or self._inflight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def close(self) -> None:
        self.flush()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(5.0)


def build_sinks(settings: Sequence[Any], *, metrics: Metrics | None = None) -> list[Sink]:
    """Sinks from ``audit.sinks`` entries (:class:`~aimds.policy.sections.audit.SinkSettings`)."""
    sinks: list[Sink] = []
    for i, s in enumerate(settings):
        minimum = _SEVERITY_MIN[s.min_severity]
        if s.type == "jsonl":
            if not s.path:
                raise ConfigError(f"audit.sinks[{i}].path: a jsonl sink needs a path")
            sinks.append(JsonlSink(s.path, max_bytes=s.max_bytes, backups=s.backups,
                                   min_severity=minimum, metrics=metrics))
        elif s.type == "webhook":
            if not s.url:
                raise ConfigError(f"audit.sinks[{i}].url: a webhook sink needs a url")
            sinks.append(WebhookSink(s.url, batch=s.batch, buffer=s.buffer, retries=s.retries,
                                     timeout_s=s.timeout_s, min_severity=minimum,
                                     metrics=metrics))
        else:
            sinks.append(StdoutSink(min_severity=minimum))
    return sinks
