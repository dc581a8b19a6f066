"""Security headers on every response, and the Host check when the app is reachable beyond
loopback (a wrong Host is DNS rebinding or a misrouted proxy, never a reader).

The Content-Security-Policy allows scripts from the app itself and, inline, only those in the
page it served: each HTML response's ``<script>`` tags get a fresh nonce (Gradio puts its
config in inline scripts). Styles may be inline: Gradio's components set them at run time."""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from careerbot.web.guards import send_json

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")


def content_security_policy(nonce: str, frame_ancestors: str) -> str:
    """The CSP for one response whose inline scripts carry ``nonce``."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' data: blob:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the app on this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header, without its port: ``[::1]:7860`` → ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def host_allowed(name: str, allowed: frozenset[str]) -> bool:
    """``name`` is listed, or matches a ``*.example.com`` entry, or ``*`` allows any."""
    return (
        "*" in allowed
        or name in allowed
        or any(a.startswith("*.") and name.endswith(a[1:]) for a in allowed)
    )


class SecurityHeaders:
    """ASGI middleware adding CSP, nosniff and Referrer-Policy; with ``allowed_hosts``, requests
    for another Host get 400; with ``rewrite_html``, HTML pages pass through it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        frame_ancestors: str,
        allowed_hosts: frozenset[str] | None,
        rewrite_html: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.app = app
        self.frame_ancestors = frame_ancestors
        self.allowed_hosts = allowed_hosts
        self.rewrite_html = rewrite_html
        """Applied to every whole HTML body before its scripts get the nonce."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None:
            name = host_name(dict(scope["headers"]).get(b"host", b"").decode("latin-1"))
            if not host_allowed(name, self.allowed_hosts):
                message = f"Unknown host {name!r}: add it to CAREERBOT_ALLOWED_HOSTS to serve it."
                await send_json(send, 400, {"error": message})
                return
        nonce = secrets.token_urlsafe(16)
        start: Message | None = None
        html = False
        chunks: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start, html
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = content_security_policy(
                    nonce, self.frame_ancestors
                )
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
                html = headers.get("content-type", "").startswith("text/html")
                if html:  # held back until the body is whole: its length changes
                    start = message
                    return
                await send(message)
            elif message["type"] == "http.response.body" and html and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                if self.rewrite_html is not None:
                    body = self.rewrite_html(body)
                body = _SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode() + b'"', body)
                headers = MutableHeaders(scope=start)
                headers["Content-Length"] = str(len(body))
                await send(start)
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, send_with_headers)
