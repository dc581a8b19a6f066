from __future__ import annotations

import pytest

from careerbot.errors import CareerbotError
from careerbot.web.address import resolve_address


def test_flags_then_environment_then_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    assert resolve_address(None, None) == ("127.0.0.1", 7860)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8080")
    assert resolve_address(None, None) == ("0.0.0.0", 8080)
    assert resolve_address("127.0.0.2", 9000) == ("127.0.0.2", 9000)


def test_a_bad_port_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADIO_SERVER_PORT", "eighty")
    with pytest.raises(CareerbotError, match="GRADIO_SERVER_PORT='eighty' is not a port"):
        resolve_address(None, None)
