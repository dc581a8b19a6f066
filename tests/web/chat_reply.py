"""Reading what the chat endpoint (``/chat`` with gradio_client) sends: text while it streams,
then the whole message, ``{"content": Markdown with HTML citations and cards, "options": [...]}``."""

from __future__ import annotations

import re
from typing import Any

SOURCES = '<section class="cb-sources"'
"""Where an answer's source cards start."""
_LINK = re.compile(r'href="(/articles/[a-z0-9-]+)\?cite=[^"#]+#([a-z0-9-]+)"')
_CARD_N = re.compile(r'<span class="cb-card-n">(\d+)</span>')


def text_of(reply: Any) -> str:
    """The message text of a streamed piece or of the final message."""
    return reply["content"] if isinstance(reply, dict) else str(reply)


def source_links(reply: Any) -> list[tuple[str, str]]:
    """``(article path, anchor)`` of each citation link in the message."""
    return _LINK.findall(text_of(reply))


def card_numbers(reply: Any) -> set[int]:
    """The numbers of the source cards under the answer."""
    return {int(n) for n in _CARD_N.findall(text_of(reply))}
