"""The Gradio chat: streams answers, with live citations, source cards and follow-ups to click
(:mod:`careerbot.web.answer_view`); conversations are kept in the reader's browser."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from careerbot.answering.question import clean_question, message_text
from careerbot.bot import CareerBot
from careerbot.errors import CareerbotError, QuestionError
from careerbot.feedback import AnswerLog
from careerbot.types import Answer
from careerbot.web.answer_view import as_history, follow_up_options, render
from careerbot.web.limits import AnswerSlots
from careerbot.web.messages import public_message
from careerbot.web.ratings import ShownAnswers, add_ratings

EXAMPLES = [
    "What does an ML engineer do that a data scientist doesn't?",
    "Why does production ML work earn a pay premium?",
    "Is a cloud certification worth getting?",
    "How can a junior developer stay relevant as AI automates routine work?",
]

SENTENCE_ENDS = (". ", "? ", "! ")
UPDATE_EVERY = 0.1
"""Seconds of streamed words that go to the reader as one chat update (at most)."""

DESCRIPTION = (
    "Answers come only from [our articles](/articles). Each sentence's marker, like [1], links "
    "to its source: hover or focus it to read the quote."
)


def build_chat(
    bot: CareerBot, slots: AnswerSlots | None = None, answer_log: AnswerLog | None = None
) -> gr.ChatInterface:
    """The chat UI; its API endpoint is ``/chat`` (for gradio_client). Answers take turns on
    ``slots`` (shared with the HTTP API) and are kept in ``answer_log``, whose readers rate
    them with the thumbs under each (see :mod:`careerbot.web.ratings`); call
    :func:`queue_chat` before serving it."""
    slots = slots or AnswerSlots.for_settings(bot.settings)
    settings = bot.settings
    shown_ids = ShownAnswers()

    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str | dict[str, Any]]:
        text, shown, started = "", time.monotonic(), time.perf_counter()
        # Only the messages the bot reads: a long conversation never reaches the history limit.
        recent = history[-settings.history_turns :] if settings.history_turns else []
        recent = [
            {**m, "content": as_history(message_text(m))} if m.get("role") == "assistant" else m
            for m in recent
        ]
        try:
            with slots.slot():
                for piece in bot.stream(message, recent):
                    if isinstance(piece, Answer):
                        asked = " ".join(message.split())
                        shown_text = render(piece, asked, app_url=settings.app_url)
                        if answer_log is not None:
                            latency = (time.perf_counter() - started) * 1000
                            answer_log.record(piece, latency_ms=latency, channel="chat")
                            shown_ids.remember(shown_text, piece.answer_id)
                        # The whole message, with the follow-ups shown as buttons that ask them.
                        yield {"content": shown_text, "options": follow_up_options(piece)}
                        continue
                    text += piece
                    # Each update costs Gradio a diff and a message to every reader: send whole
                    # lines and sentences (or what came in the last moment), not every word.
                    now = time.monotonic()
                    if "\n" in piece or piece.endswith(SENTENCE_ENDS) or now - shown > UPDATE_EVERY:
                        shown = now
                        yield text
        except CareerbotError as exc:
            raise gr.Error(public_message(exc, settings.data_dir)) from None

    def validate(message: str) -> Any:
        # Runs before the message is sent: the reader sees why at the textbox, and the chat
        # stays usable (an error raised mid-answer would leave the textbox locked).
        try:
            clean_question(message, max_chars=bot.settings.max_question_chars)
        except QuestionError as exc:
            return gr.validate(False, str(exc))
        return gr.validate(True, "")

    chatbot = gr.Chatbot(
        label="careerbot",
        height=520,
        elem_id="cb-chat",  # the phone layout sizes it (web.chat_style)
        # No "share" (to Hugging Face Spaces, unreachable offline; and its button has no name).
        buttons=["copy", "copy_all"],
        feedback_options=("Like", "Dislike"),
        # The reader reads an answer from its start: the view does not follow its sources.
        autoscroll=False,
    )
    chat = gr.ChatInterface(
        respond,
        validator=validate,
        title="careerbot",
        description=DESCRIPTION,
        examples=EXAMPLES,
        api_name="chat",
        chatbot=chatbot,
        textbox=gr.Textbox(
            placeholder="Ask a career question…",
            submit_btn=True,
            label="Your question",  # shown with a validation error, never "Textbox"
            show_label=False,
            max_lines=6,
        ),
        # Conversations stay in the reader's browser (local storage), listed with "New chat".
        save_history=True,
        fill_height=True,
        # Readers waiting for a turn see their place in the queue and the expected wait.
        show_progress="full",
        concurrency_limit=slots.size,
        # Off by argument, not by environment variable: careerbot sends nothing anywhere.
        analytics_enabled=False,
    )
    if answer_log is not None:
        with chat:
            add_ratings(chatbot, answer_log, shown_ids, settings.data_dir)
    return chat


def queue_chat(chat: gr.ChatInterface, slots: AnswerSlots, max_size: int) -> gr.ChatInterface:
    """``chat`` with its queue bounded: ``slots.size`` answers at once, ``max_size`` waiting;
    past that, Gradio tells the reader the app is busy and to try again (HTTP 503)."""
    # Waiting readers hear their place once a second, not after every answer (with many
    # waiting, "auto" sends every one of them a message each time any answer ends).
    return chat.queue(
        default_concurrency_limit=slots.size, max_size=max_size, status_update_rate=1.0
    )
