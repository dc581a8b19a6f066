"""Follow-ups by the language model: a follow-up plus the (capped) chat history, rewritten as
one standalone question for the model to answer.

Only questions :func:`careerbot.answering.followup.is_follow_up` takes for follow-ups are sent,
so a standalone question costs no model call; retrieval keeps the conversation's context and
the model answers the rewrite. A short prompt, a
small token budget and the model's timeout keep it quick; when the model fails or replies with
something that is not a plausible question, the caller keeps the heuristic.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel

from careerbot.answering.prompt import condense_messages, neutralise
from careerbot.answering.question import Message
from careerbot.text import content_words

log = logging.getLogger(__name__)

MAX_TOKENS = 48
"""Token budget of the rewritten question."""
MAX_CHARS = 300
_LEAD = re.compile(r"^\s*(standalone question|question|rewritten question)\s*[:：-]\s*", re.I)


class Condenser:
    """Rewrites follow-ups into standalone questions with a chat model."""

    def __init__(self, chat: BaseChatModel) -> None:
        self.chat = chat

    def condense(self, question: str, history: Sequence[Message]) -> str | None:
        """The standalone question, or None when the model failed or said nothing usable."""
        try:
            reply = self.chat.invoke(condense_messages(question, history))
        except Exception as exc:  # the model or its server failed: the heuristic takes over
            log.warning("condensing the follow-up failed: %s", " ".join(str(exc).split())[:200])
            return None
        return plausible_question(reply.text)


def plausible_question(reply: str) -> str | None:
    """The first line of ``reply`` as a question, or None when it does not look like one."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return None
    text = _LEAD.sub("", lines[0]).strip().strip("\"'“”‘’`").strip()
    text = " ".join(neutralise(text).split())
    if not text or len(text) > MAX_CHARS or len(content_words(text)) < 2:
        return None
    return text
