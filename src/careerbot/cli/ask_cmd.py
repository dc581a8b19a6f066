"""``careerbot ask`` and ``careerbot retrieve``: one question, from the shell."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markdown import Markdown
from rich.markup import escape

from careerbot.answering.question import clean_question
from careerbot.cli.output import err, load_settings, out
from careerbot.cli.progress import make_bot


def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Answer a question from the articles, with numbered sources."""
    settings = load_settings()
    clean_question(question, max_chars=settings.max_question_chars)
    bot = make_bot(settings, progress=not as_json)
    answer = bot.ask(question)
    if as_json:
        out.print_json(json.dumps(answer.to_dict()))
        return
    if answer.notice:
        err.print(f"[yellow]{answer.notice}[/]", highlight=False)
    out.print(Markdown(answer.text))
    for c in answer.citations:
        updated = f" (updated {c.updated})" if c.updated else ""
        out.print(escape(f"[{c.n}] {c.label}{updated}"), highlight=False)
        link(c.url)


def retrieve(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="Sections to return.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the passages as JSON.")] = False,
    article: Annotated[
        str | None, typer.Option(help="Only sections of this article (its slug).")
    ] = None,
    updated_after: Annotated[
        str | None, typer.Option(help="Only articles updated after this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Show the sections most relevant to a question, with their scores."""
    settings = load_settings()
    clean_question(question, max_chars=settings.max_question_chars)
    bot = make_bot(settings, progress=not as_json)
    passages = bot.retrieve(question, k=k, article=article, updated_after=updated_after)
    if as_json:
        out.print_json(json.dumps([p.to_dict() for p in passages]))
        return
    for p in passages:
        out.print(f"[bold]{p.score:.3f}[/]  {escape(p.label)}", highlight=False)
        link(p.url, indent=7)


def link(url: str, *, indent: int = 4) -> None:
    """One URL on a line of its own, never wrapped (a terminal can still open it whole)."""
    out.print(" " * indent + url, markup=False, highlight=False, soft_wrap=True)
