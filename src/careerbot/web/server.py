"""The web app: one FastAPI app holding the HTTP API, the article pages and the Gradio chat."""

from __future__ import annotations

import html
import socket

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from careerbot.bot import CareerBot
from careerbot.feedback import AnswerLog
from careerbot.store.articles import ArticleTable
from careerbot.store.database import Database
from careerbot.web.address import DEFAULT_HOST
from careerbot.web.admin import admin_router
from careerbot.web.api import add_error_handler, api_router
from careerbot.web.chat import build_chat, queue_chat
from careerbot.web.chat_style import CHAT_CSS, page_meta
from careerbot.web.guards import RequestGuard, max_body_bytes
from careerbot.web.headers import SecurityHeaders, is_loopback
from careerbot.web.limits import AnswerSlots
from careerbot.web.pages import ArticlePages


def create_app(bot: CareerBot, *, host: str = DEFAULT_HOST) -> FastAPI:
    """The whole web app for ``bot``, to be served on ``host`` (beyond loopback, only the
    ``allowed_hosts`` are answered)."""
    settings = bot.settings
    # No /docs or /redoc: their pages load Swagger and ReDoc from a CDN, blank offline. The
    # schema itself is served, at /openapi.json (README: "HTTP API").
    app = FastAPI(
        title="careerbot",
        description="Career answers from our articles, cited.",
        docs_url=None,
        redoc_url=None,
    )
    add_error_handler(app, settings.data_dir)
    slots = AnswerSlots.for_settings(settings)  # one limit for the chat and /api/ask
    database = Database(settings)
    answer_log = AnswerLog(
        database, bot.store.name, settings, generation=bot.store.generation.current
    )
    app.include_router(api_router(bot, slots, answer_log))
    app.include_router(admin_router(bot, answer_log))  # /admin: off unless admin_token is set
    pages = ArticlePages(
        ArticleTable(database, bot.store.name),
        settings.corpus_dir,
        navigation_headings=settings.navigation_headings,
        check_seconds=settings.generation_check_seconds,
    )

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def article_index() -> str:
        return pages.index()

    @app.get("/articles/{slug}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(slug: str) -> HTMLResponse:
        article = pages.article(slug)
        if article is None:
            return HTMLResponse(
                f"<h1>No article “{html.escape(slug)}”</h1><p><a href='/articles'>All articles</a></p>",
                status_code=404,
            )
        return HTMLResponse(pages.render(article))

    allowed = None
    if not is_loopback(host):
        allowed = frozenset(h.lower() for h in settings.allowed_hosts)
        allowed |= {host.lower()} if host not in ("0.0.0.0", "::") else set()
    app.add_middleware(RequestGuard, max_bytes=max_body_bytes(settings))
    app.add_middleware(
        SecurityHeaders,
        frame_ancestors=settings.frame_ancestors,
        allowed_hosts=allowed,
        rewrite_html=page_meta,
    )
    # System fonts: the default theme fetches Google Fonts, which offline readers cannot reach.
    # The primary buttons a shade darker than the theme's: white on its orange-500 is 2.8:1,
    # under WCAG AA's 4.5:1 (axe-core, tests/web/test_chat_browser.py).
    theme = gr.themes.Default(
        font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    ).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_hover_dark="*primary_800",
        button_primary_text_color="white",
        button_primary_text_color_dark="white",
    )
    chat = queue_chat(build_chat(bot, slots, answer_log), slots, settings.queue_max_size)
    return gr.mount_gradio_app(
        app,
        chat,
        path="/",
        footer_links=["api"],
        css=CHAT_CSS,
        ssr_mode=False,
        theme=theme,
        max_file_size=0,  # uploads are refused before Gradio too (web.guards): text only
        run_history=False,  # nothing about readers' runs is kept, here or anywhere else
    )


def run(bot: CareerBot, *, host: str, port: int, sock: socket.socket | None = None) -> None:
    """Serve the app until interrupted, on ``sock`` when given (bound already)."""
    config = uvicorn.Config(create_app(bot, host=host), host=host, port=port, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock] if sock is not None else None)
