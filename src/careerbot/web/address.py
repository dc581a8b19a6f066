"""Where the web app listens. Separate from the app so it can be checked before gradio is
imported (gradio itself reads GRADIO_SERVER_PORT at import and crashes on a bad value)."""

from __future__ import annotations

import os

from careerbot.errors import CareerbotError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def resolve_address(host: str | None, port: int | None) -> tuple[str, int]:
    """Flags first, then GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, then 127.0.0.1:7860."""
    host = host or os.environ.get("GRADIO_SERVER_NAME") or DEFAULT_HOST
    if port is None:
        raw = os.environ.get("GRADIO_SERVER_PORT") or str(DEFAULT_PORT)
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise CareerbotError(f"GRADIO_SERVER_PORT={raw!r} is not a port number (1-65535).")
        port = int(raw)
    return host, port
