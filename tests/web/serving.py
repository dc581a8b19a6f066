"""Helpers for tests against a real server: its process (by port) and its memory."""

from __future__ import annotations

import httpx
import psutil


def server_process(base: str) -> psutil.Process:
    """The child process of this test run that listens on ``base``'s port."""
    port = int(base.rsplit(":", 1)[1])
    for child in psutil.Process().children(recursive=True):
        try:
            if any(c.laddr and c.laddr.port == port for c in child.net_connections("tcp")):
                return child
        except psutil.Error:
            continue
    raise LookupError(f"no child process listens on port {port}")


def rss_mb(process: psutil.Process) -> float:
    """Resident memory of ``process`` in MB."""
    return process.memory_info().rss / 1e6


def healthy(base: str) -> bool:
    """Whether ``/api/health`` answers 200."""
    return httpx.get(f"{base}/api/health", timeout=30).status_code == 200
