"""The web app: one FastAPI app holding the HTTP API, the article pages and the Gradio chat."""

from __future__ import annotations

import html

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from careerbot.bot import CareerBot
from careerbot.web.api import add_error_handler, api_router
from careerbot.web.chat import build_chat
from careerbot.web.pages import ArticlePages


def create_app(bot: CareerBot) -> FastAPI:
    """The whole web app for ``bot``."""
    app = FastAPI(title="careerbot", description="Career answers from our articles, cited.")
    add_error_handler(app)
    app.include_router(api_router(bot))
    pages = ArticlePages(bot.settings.corpus_dir, bot.settings.navigation_headings)

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

    # System fonts: the default theme fetches Google Fonts, which offline readers cannot reach.
    theme = gr.themes.Default(
        font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    )
    return gr.mount_gradio_app(
        app, build_chat(bot), path="/", footer_links=["api"], ssr_mode=False, theme=theme
    )


def run(bot: CareerBot, *, host: str, port: int) -> None:
    """Serve the app until interrupted."""
    uvicorn.run(create_app(bot), host=host, port=port, log_level="warning")
