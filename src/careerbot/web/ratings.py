"""Thumbs up or down under each chat answer, and an optional comment: stored through the
:class:`~careerbot.feedback.AnswerLog` with the answer they rate.

Gradio's like event carries the rated message's text, not our ``answer_id``, so the chat
remembers which id each shown answer had (recent ones, in this process: the queue's sticky
sessions keep a reader on one replica). The reader's id is Gradio's random session hash.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

import gradio as gr

from careerbot.errors import CareerbotError
from careerbot.feedback import AnswerLog
from careerbot.web.messages import public_message

KEEP = 4096
THANKS = "Thanks, noted. Tell us more (optional):"


class ShownAnswers:
    """Which ``answer_id`` each recently shown answer text had."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: OrderedDict[str, str] = OrderedDict()

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.strip().encode()).hexdigest()

    def remember(self, text: str, answer_id: str) -> None:
        """Note that ``text`` was shown for ``answer_id``."""
        with self._lock:
            self._ids[self._key(text)] = answer_id
            while len(self._ids) > KEEP:
                self._ids.popitem(last=False)

    def id_of(self, text: str) -> str | None:
        """The answer id shown as ``text``, if it is recent."""
        with self._lock:
            return self._ids.get(self._key(text))


def message_text(value: Any) -> str:
    """The text of a chat message as Gradio's like event gives it (text, dict or parts)."""
    if isinstance(value, dict):
        value = value.get("content", value.get("value", ""))
    if isinstance(value, list):
        return "".join(message_text(part) for part in value)
    return value if isinstance(value, str) else str(value or "")


def add_ratings(chatbot: gr.Chatbot, log: AnswerLog, shown: ShownAnswers, data_dir: Path) -> None:
    """Wire the chatbot's thumbs to ``log``, with a comment box shown after a rating (call
    inside the chat's Blocks)."""
    rated = gr.State(None)
    with gr.Row(visible=False) as comment_row:
        comment = gr.Textbox(
            label=THANKS, placeholder="What was good, wrong or missing?", max_length=2000
        )
        send = gr.Button("Send", scale=0)

    def on_like(data: gr.LikeData, request: gr.Request) -> tuple[Any, Any, Any]:
        answer_id = shown.id_of(message_text(data.value))
        if answer_id is None or data.liked not in (True, False):
            return None, gr.update(visible=False), gr.update(value="")
        rating: Literal["up", "down"] = "up" if data.liked else "down"
        try:
            log.rate(answer_id, rating, browser=request.session_hash)
        except CareerbotError as exc:
            raise gr.Error(public_message(exc, data_dir)) from None
        return (answer_id, rating), gr.update(visible=True), gr.update(value="")

    def on_comment(text: str, which: Any, request: gr.Request) -> tuple[Any, Any, Any]:
        if which and text.strip():
            try:
                log.rate(which[0], which[1], text, browser=request.session_hash)
            except CareerbotError as exc:
                raise gr.Error(public_message(exc, data_dir)) from None
        return None, gr.update(visible=False), gr.update(value="")

    # Private: the API's way to rate is POST /api/feedback, with the answer_id /api/ask gave.
    chatbot.like(
        on_like, None, [rated, comment_row, comment], api_visibility="private", queue=False
    )
    for event in (send.click, comment.submit):
        event(
            on_comment,
            [comment, rated],
            [rated, comment_row, comment],
            api_visibility="private",
            queue=False,
        )
