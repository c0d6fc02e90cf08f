"""Redis pub/sub for the kill switch: every process hears of a kill within milliseconds.

The message is a speed-up, never the record (that is the database, see
:mod:`aimds.kill.sql_store`): a kill applies on receipt; any message also makes the
switch read the store at once, which is how a revive takes effect. When Redis is
unreachable the listener retries with a growing pause and leaves the kill set alone, so
losing Redis never un-kills; the store poll keeps every process within ``poll_s`` of the
truth meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from typing import Any

from aimds.kill.records import KillRecord, decode, encode
from aimds.kill.switch import KillSwitch, Publisher

__all__ = ["RedisKillSync", "kill_channel", "redis_publisher"]

log = logging.getLogger("aimds.kill")

_MAX_PAUSE_S = 5.0


def kill_channel(prefix: str) -> str:
    return f"{prefix}:kill"


def redis_publisher(client: Any, prefix: str) -> Publisher:
    """``publish(op, record)`` on ``client`` (a ``redis.Redis``); ``False`` when it fails."""
    channel = kill_channel(prefix)

    def publish(op: str, record: KillRecord) -> bool:
        message = json.dumps({"op": op, "record": json.loads(encode(record))})
        try:
            client.publish(channel, message.encode())
        except Exception as exc:  # noqa: BLE001 - best effort: the store is the record
            log.warning("kill switch: Redis publish failed (%s)", type(exc).__name__)
            return False
        return True

    return publish


class RedisKillSync:
    """Listens on the kill channel in a daemon thread and feeds :meth:`KillSwitch.apply`."""

    def __init__(self, switch: KillSwitch, client: Any, prefix: str) -> None:
        self.switch = switch
        self.client = client
        self.channel = kill_channel(prefix)
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="aimds-kill-redis", daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5)

    def _run(self) -> None:
        pause = 0.1
        while not self._stop.is_set():
            try:
                self._listen()
                pause = 0.1
            except Exception as exc:  # noqa: BLE001 - Redis down: retry, keep the kills
                if self.connected.is_set() or pause == 0.1:  # once per outage
                    log.warning(
                        "kill switch: Redis listener lost its connection (%s); the "
                        "kills it knows hold, the store poll goes on",
                        type(exc).__name__,
                    )
                self.connected.clear()
                self._stop.wait(pause)
                pause = min(pause * 2, _MAX_PAUSE_S)

    def _listen(self) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            self.connected.set()
            self.switch.wake()  # read the store now: messages sent while away are lost
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=0.5)
                if message is not None:
                    self._handle(message.get("data"))
        finally:
            with contextlib.suppress(Exception):  # closing a dead connection
                pubsub.close()

    def _handle(self, data: Any) -> None:
        try:
            body = json.loads(data)
            op = body["op"]
            record = decode(json.dumps(body["record"]))
        except (ValueError, KeyError, TypeError):
            log.warning("kill switch: ignored an unreadable message on %s", self.channel)
            return
        if record is None or op not in ("kill", "revive"):
            log.warning("kill switch: ignored an unreadable message on %s", self.channel)
            return
        self.switch.apply(op, record)
