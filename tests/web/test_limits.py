"""One limit on answers for the chat and the HTTP API (the app in-process)."""

from __future__ import annotations

import threading
import time

import gradio as gr
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from careerbot.bot import CareerBot
from careerbot.settings import Settings
from careerbot.web.api import add_error_handler, api_router
from careerbot.web.chat import build_chat
from careerbot.web.limits import AnswerSlots
from tests.web.chat_reply import text_of


def test_slots_follow_the_answerer() -> None:
    assert AnswerSlots.for_settings(Settings()).size == 8
    assert AnswerSlots.for_settings(Settings(web_concurrency=12)).size == 12
    llm = Settings(llm="llamacpp", llm_concurrency=1, web_concurrency=12)
    assert AnswerSlots.for_settings(llm).size == 1


def hold(slots: AnswerSlots, seconds: float) -> threading.Thread:
    """A thread that takes one slot for ``seconds``."""
    taken = threading.Event()

    def run() -> None:
        with slots.slot():
            taken.set()
            time.sleep(seconds)

    thread = threading.Thread(target=run)
    thread.start()
    taken.wait()
    return thread


def test_api_and_chat_share_the_slots_and_say_when_busy(shared_bot: CareerBot) -> None:
    slots = AnswerSlots(1, wait=0.3)
    app = FastAPI()
    add_error_handler(app, shared_bot.settings.data_dir)
    app.include_router(api_router(shared_bot, slots))
    client = TestClient(app)
    chat = build_chat(shared_bot, slots)

    holder = hold(slots, 1.5)  # e.g. a chat reader's answer
    started = time.monotonic()
    got = client.post("/api/ask", json={"question": "Which role pays more?"})
    assert got.status_code == 503 and got.headers["Retry-After"] == "1"
    assert "busy" in got.json()["error"] and "Try again" in got.json()["error"]
    assert time.monotonic() - started < 1.2  # waited its bound, not the whole answer
    with pytest.raises(gr.Error, match="busy"):
        list(chat.fn("Which role pays more?", []))
    holder.join()

    assert client.post("/api/ask", json={"question": "Which role pays more?"}).status_code == 200
    assert "[1]" in text_of(list(chat.fn("Which role pays more?", []))[-1])


def test_the_chat_sends_only_the_messages_the_bot_reads(shared_bot: CareerBot) -> None:
    chat = build_chat(shared_bot)
    # A long conversation (over max_history_messages) keeps working in the chat.
    history = [{"role": "user", "content": "What does an ML engineer do?"}] * 300
    assert "[1]" in text_of(list(chat.fn("and what about pay?", history))[-1])


def test_a_follow_up_reads_the_last_answer_without_its_previews_and_cards(
    shared_bot: CareerBot,
) -> None:
    chat = build_chat(shared_bot)
    question = "Is a cloud certification worth getting?"
    shown = list(chat.fn(question, []))[-1]["content"]
    # The premise: with its previews and cards, the answer is over the history limit.
    assert len(shown) > shared_bot.settings.max_history_chars
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": shown}]
    follow_up = text_of(list(chat.fn("do they expire?", history))[-1])
    assert "[1]" in follow_up and "renew" in follow_up.lower()
