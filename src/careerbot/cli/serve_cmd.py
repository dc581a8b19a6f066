"""``careerbot serve``: the web app (chat, article pages, HTTP API)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from careerbot.cli.output import err, load_settings
from careerbot.cli.progress import make_bot


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Interface to listen on (env GRADIO_SERVER_NAME; default 127.0.0.1)."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port (env GRADIO_SERVER_PORT; default 7860)."),
    ] = None,
) -> None:
    """Start the web app: chat, article pages and the HTTP API."""
    from careerbot.web.address import bind_socket, resolve_address

    bind_host, bind_port = resolve_address(host, port)
    # Bound before the bot is built and before anything says "up": a taken port is one line.
    sock = bind_socket(bind_host, bind_port)
    os.environ["GRADIO_SERVER_PORT"] = str(bind_port)  # gradio reads it when imported
    from careerbot.web.server import run

    bot = make_bot(load_settings(), absolute_links=False)  # the app's own /articles pages
    err.print(
        f"careerbot is up at http://{bind_host}:{bind_port}  (Ctrl+C stops it)", highlight=False
    )
    run(bot, host=bind_host, port=bind_port, sock=sock)
