"""What a request may carry in: no file uploads (the chat takes text only) and no body larger
than the largest question with its history could be. Both are refused before Gradio or FastAPI
reads anything, so nothing lands on disk or in memory."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from careerbot.settings import Settings

UPLOAD_SUFFIXES = ("/gradio_api/upload", "/upload")


def max_body_bytes(settings: Settings) -> int:
    """The largest body a valid request can need: every character of the question and the
    history escaped as JSON at its longest (``\\ud83d\\ude00``: 12 bytes), plus room for keys."""
    chars = settings.max_question_chars + settings.max_history_messages * (
        settings.max_history_chars + 64
    )
    return 12 * chars + 65_536


async def send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    """A complete JSON response on a raw ASGI channel."""
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class RequestGuard:
    """ASGI middleware: 403 for uploads, 413 for a body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/").endswith(UPLOAD_SUFFIXES):
            await send_json(
                send, 403, {"error": "Uploads are off: careerbot's chat takes text only."}
            )
            return
        too_big = {
            "error": f"The request body is over {self.max_bytes:,} bytes, more than the longest "
            "question and history allowed. Send a shorter history (the bot reads only the "
            "last few messages)."
        }
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await send_json(send, 413, too_big)
            return
        # Read the body here (it is bounded now) and hand it on whole.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await send_json(send, 413, too_big)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
