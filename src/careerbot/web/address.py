"""Where the web app listens. Separate from the app so it can be checked before gradio is
imported (gradio itself reads GRADIO_SERVER_PORT at import and crashes on a bad value)."""

from __future__ import annotations

import errno
import os
import socket

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


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, bound before anything says the app is up; raises
    :class:`CareerbotError` with what to do when the port is taken or not ours to use."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise CareerbotError(
            f"cannot listen on {host!r}: no such interface or host name; pick another with --host"
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CareerbotError(f"port {port} is in use; pick another with --port") from None
        if exc.errno == errno.EACCES:
            raise CareerbotError(
                f"port {port} needs administrator rights; pick one above 1023 with --port"
            ) from None
        raise CareerbotError(
            f"cannot listen on {host}:{port} ({exc.strerror}); pick another with --host/--port"
        ) from None
    sock.set_inheritable(True)
    return sock
