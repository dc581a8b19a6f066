"""chromadb's HTTP client with a time limit on everything it asks a Chroma server.

chromadb 1.x gives its httpx session no timeout, and its client's constructor already asks the
server three things (identity, tenant, database): a server that accepts connections but never
answers (hung, paused, a half-open network path) held a reader's request forever. Here the
client is made in a worker thread that is waited for at most ``chroma_timeout`` seconds, and
its session then gets that timeout for every later call. A call that runs out of time raises an
``httpx.TimeoutException``, which :mod:`careerbot.store.connection` reports as an unreachable
server (HTTP 503, "retrying"), and :class:`ConnectGate` makes the readers queued behind a
timed-out connect fail at once instead of each waiting its own timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from careerbot.errors import causes

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.config import Settings as ChromaSettings

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
"""Seconds to open a connection to the server (a refused one fails at once anyway)."""


def timed_out(exc: BaseException) -> bool:
    """Whether ``exc`` (or one it came from) is a call the server took but did not answer in
    time: asking again at once would only wait as long again."""
    return any(isinstance(e, httpx.TimeoutException) for e in causes(exc))


def timed_http_client(
    host: str, port: int, seconds: float, chroma_settings: ChromaSettings
) -> ClientAPI:
    """``chromadb.HttpClient(host, port)``, made within ``seconds`` (else
    ``httpx.ReadTimeout``), whose calls each time out after ``seconds``."""
    import chromadb

    made: list[ClientAPI] = []
    failed: list[BaseException] = []

    def make() -> None:
        try:
            made.append(chromadb.HttpClient(host=host, port=port, settings=chroma_settings))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failed.append(exc)

    # A daemon: a server that never answers leaves it waiting until the socket closes.
    worker = threading.Thread(target=make, name="chroma-connect", daemon=True)
    worker.start()
    worker.join(seconds)
    if failed:
        raise failed[0]
    if not made:
        raise httpx.ReadTimeout(f"no answer within {seconds:g} s")
    client = made[0]
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds, connect=min(seconds, CONNECT_TIMEOUT))
    else:  # chromadb moved it: calls then wait as long as the server takes
        log.warning("chromadb's HTTP session was not found: Chroma calls have no timeout")
    return client


class ConnectGate:
    """Connects, remembering a connect that timed out for ``seconds``: the callers queued
    behind it then fail at once with its error, not one timeout after another."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._failed: tuple[float, BaseException] | None = None

    def connect(self, make: Callable[[], ClientAPI]) -> ClientAPI:
        """``make()``, unless one timed out less than ``seconds`` ago (its error is raised
        again, as a fresh exception of its type with the same message). Not thread-safe: the
        caller holds its own lock around it."""
        if self._failed is not None and time.monotonic() < self._failed[0]:
            error = self._failed[1]
            raise type(error)(*error.args) from error.__cause__
        try:
            client = make()
        except Exception as exc:
            if timed_out(exc):
                self._failed = (time.monotonic() + self.seconds, exc)
            raise
        self._failed = None
        return client
