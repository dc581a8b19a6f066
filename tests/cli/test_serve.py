"""``careerbot serve`` refuses a bad or taken port with one line, before saying it is up."""

from __future__ import annotations

import socket
import subprocess
import sys

from tests.conftest import REPO


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "app.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_port_out_of_range_is_a_usage_error() -> None:
    result = serve("--port", "99999")
    assert result.returncode == 2
    assert "Invalid value for '--port'" in result.stderr and "65535" in result.stderr
    assert "careerbot is up" not in result.stderr + result.stdout


def test_a_busy_port_is_one_error_line_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve("--port", str(port))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"Error: port {port} is in use; pick another with --port"]
    assert "careerbot is up" not in result.stdout
