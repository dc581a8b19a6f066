"""The Gradio chat: streams answers and lists the sources under each one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import gradio as gr

from careerbot.answering.question import clean_question
from careerbot.bot import CareerBot
from careerbot.errors import CareerbotError, QuestionError
from careerbot.types import Answer

EXAMPLES = [
    "What does an ML engineer do that a data scientist doesn't?",
    "Why does production ML work earn a pay premium?",
    "Is a cloud certification worth getting?",
    "How can a junior developer stay relevant as AI automates routine work?",
]

DESCRIPTION = (
    "Answers come only from our articles. Every sentence ends with a marker like [1] "
    "that links to the section it came from."
)


def render(answer: Answer, asked: str = "") -> str:
    """An answer as chat Markdown: how a follow-up was understood, its notice (if any), the
    text, then its sources as links.

    It replaces everything streamed before it: the verified text, not the model's raw tokens.
    """
    sources = answer.sources_markdown()
    head = ""
    if asked and answer.question and answer.question != asked:
        head += f"_Answering: {plain_markdown(answer.question)}_\n\n"
    if answer.notice:
        head += f"_{plain_markdown(answer.notice)}_\n\n"  # may quote a server's error text
    return head + answer.text + (f"\n\n{sources}" if sources else "")


def plain_markdown(text: str) -> str:
    """Reader text shown as Markdown that stays text: no links, emphasis, images or HTML."""
    return re.sub(r"([\\`*_{}\[\]()<>#!|~])", r"\\\1", " ".join(text.split()))


def build_chat(bot: CareerBot) -> gr.ChatInterface:
    """The chat UI; its API endpoint is ``/chat`` (for gradio_client)."""

    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[str]:
        text = ""
        try:
            for piece in bot.stream(message, history):
                if isinstance(piece, Answer):
                    yield render(piece, asked=" ".join(message.split()))
                else:
                    text += piece
                    yield text
        except CareerbotError as exc:
            raise gr.Error(str(exc)) from None

    def validate(message: str) -> Any:
        # Runs before the message is sent: the reader sees why at the textbox, and the chat
        # stays usable (an error raised mid-answer would leave the textbox locked).
        try:
            clean_question(message, max_chars=bot.settings.max_question_chars)
        except QuestionError as exc:
            return gr.validate(False, str(exc))
        return gr.validate(True, "")

    return gr.ChatInterface(
        respond,
        validator=validate,
        title="careerbot",
        description=DESCRIPTION,
        examples=EXAMPLES,
        api_name="chat",
        chatbot=gr.Chatbot(label="careerbot", height=520),
        textbox=gr.Textbox(placeholder="Ask a career question…", submit_btn=True),
        fill_height=True,
        # Off by argument, not by environment variable: careerbot sends nothing anywhere.
        analytics_enabled=False,
    )
