"""``careerbot report``: what readers asked, how it went, and what the articles miss."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from careerbot.cli.output import err, fail, load_settings, out


def report(
    since: Annotated[
        str, typer.Option(help="The period: 7d, 24h, 2w, a date (YYYY-MM-DD, UTC) or all.")
    ] = "7d",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    html_file: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the report, with its charts, as one HTML page."),
    ] = None,
) -> None:
    """Questions per day, refusals, satisfaction, latency, content gaps, disliked answers and
    the sections cited (and never cited), from the question log and readers' ratings."""
    from careerbot.embedding.embedder import Embedder
    from careerbot.feedback import AnswerLog
    from careerbot.feedback.page import report_html
    from careerbot.feedback.report import build_report, parse_since, stored_sections
    from careerbot.feedback.terminal import report_renderable
    from careerbot.store.chroma import ChunkStore
    from careerbot.store.database import Database

    settings = load_settings()
    try:
        start = parse_since(since)
    except ValueError as exc:
        raise fail(f"--since: {exc}") from None
    embedder = Embedder.from_settings(settings)
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    with Database(settings) as database:
        log = AnswerLog(database, store.name, settings)
        if database.readable():  # retention applies here too; a reader never creates one
            log.prune()
        made = build_report(
            log,
            embedder,
            stored_sections(store),
            since=start,
            confident_relevance=settings.confident_relevance,
        )
    if html_file is not None:
        try:
            html_file.write_text(report_html(made), encoding="utf-8")
        except OSError as exc:
            raise fail(f"Cannot write {html_file}: {exc.strerror or exc}") from None
        err.print(f"Wrote {html_file}", highlight=False, markup=False)
    if as_json:
        out.print_json(json.dumps(made.to_dict()))
    else:
        out.print(report_renderable(made))
