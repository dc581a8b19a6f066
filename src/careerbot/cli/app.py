"""The ``careerbot`` command: thin callers of :class:`CareerBot`. Errors become messages here."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from careerbot.answering.question import clean_question
from careerbot.errors import CareerbotError, CorpusError, IndexCorruptError
from careerbot.store.recovery import set_aside_local_index
from careerbot.settings import Settings

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.evaluation.gold import GoldItem

app = typer.Typer(
    help="careerbot: career answers from our articles, with the section of every claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()
T = TypeVar("T")

EXIT_PARTIAL = 3
"""Exit code of an ingest in which some sources failed (the rest was ingested)."""


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _friendly(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except CareerbotError as exc:
        raise _fail(str(exc)) from None


@contextmanager
def embedding_progress(enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr, as an ingest progress callback.

    The bar appears only once there is something to embed, so an up-to-date index stays quiet.
    When the last section is written it says so: deletes and the keyword index come after
    (about half a minute for the keyword index at 100k chunks).
    """
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    )
    task: list[Any] = []

    def update(done: int, total: int) -> None:
        if not task:
            if total == 0:
                return
            bar.start()
            task.append(bar.add_task("Embedding sections", total=total))
        phase = "Finishing the index (deletes, keyword index)" if done >= total else None
        bar.update(task[0], completed=done, total=total, description=phase)

    try:
        yield update
    finally:
        if task:
            bar.stop()


def make_bot(settings: Settings, *, progress: bool = True) -> Any:
    """A CareerBot, building the index first (with a progress bar) when there is none."""
    from careerbot.bot import CareerBot

    err.print("Loading the embedding model and the index…", style="dim")
    with embedding_progress(progress) as callback:
        return CareerBot(settings, progress=callback)


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except Exception as exc:  # noqa: BLE001 - pydantic's message names the bad variable
        raise _fail(f"Invalid setting: {exc}") from None


@app.command()
def ingest(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Corpus folder, or one article in it (default: CAREERBOT_CORPUS_DIR, then "
            "./corpus; none when only --url/--sitemap are given)"
        ),
    ] = None,
    url: Annotated[
        list[str] | None, typer.Option("--url", help="A web page to ingest (repeatable).")
    ] = None,
    sitemap: Annotated[
        list[str] | None, typer.Option("--sitemap", help="A sitemap.xml whose pages to ingest.")
    ] = None,
    depth: Annotated[
        int | None, typer.Option(min=0, max=5, help="Same-site links to follow (default: CAREERBOT_CRAWL_DEPTH, 1).")
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Drop the index and embed everything again.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan; write nothing.")] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="Stay running; re-ingest when files change.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Index the corpus: new and changed sections are embedded, removed ones deleted.

    Exit codes: 0 done, 1 nothing done (see the message), 3 done but some sources were skipped.
    """
    from careerbot.bot import CareerBot
    from careerbot.sources import load_corpus

    settings = _settings(crawl_depth=depth)
    urls, sitemaps = url or [], sitemap or []
    target = path or (None if urls or sitemaps else settings.corpus_dir)
    if watch and target is None:
        raise _fail("--watch needs a folder or file to watch (pass PATH).", 2)

    def open_bot() -> Any:
        # Fail fast, before loading the model: a missing path, or a missing or empty folder.
        if path is not None and not path.exists():
            raise CorpusError(f"{path} does not exist.")
        if target is not None and target.is_dir():
            load_corpus(target)
        try:
            bot = CareerBot(settings, build_if_missing=False)
            bot.store.exists()
        except IndexCorruptError:
            moved = set_aside_local_index(settings) if rebuild else None
            if moved is None:
                raise
            err.print(f"Moved the unreadable index to {moved}; rebuilding.", highlight=False)
            bot = CareerBot(settings, build_if_missing=False)
        return bot

    bot = _friendly(open_bot)

    def run(rebuild: bool) -> Any:
        with embedding_progress(not as_json and not dry_run) as callback:
            return bot.ingest(
                path, urls=urls, sitemaps=sitemaps, rebuild=rebuild, dry_run=dry_run,
                progress=callback,
            )

    def show(report: Any) -> None:
        if as_json:
            out.print_json(json.dumps(report.to_dict()))
        else:
            print_report(report, target or "the web")

    report = _friendly(lambda: run(rebuild))
    show(report)
    if watch and target is not None:
        watch_and_ingest(target, lambda: show(_friendly(lambda: run(False))))
    if report.errors:
        raise typer.Exit(EXIT_PARTIAL)


def watch_and_ingest(target: Path, again: Callable[[], None]) -> None:
    """Run ``again`` after each burst of changes to ``target`` (a folder or one file) once it
    has been quiet for half a second, until Ctrl+C. A failed run is reported; watching goes on."""
    from watchfiles import watch as watch_files

    from careerbot.sources import source_files

    folder = target if target.is_dir() else target.parent

    def fingerprint() -> frozenset[tuple[str, int, int]]:
        files = source_files(folder) if target.is_dir() else [target] if target.exists() else []
        return frozenset((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)

    seen = fingerprint()
    err.print(f"Watching {target} for changes (Ctrl+C stops)…", highlight=False)
    for _changes in watch_files(folder, debounce=1600, step=500, rust_timeout=1000):
        # Late events of a burst the last run already read change nothing on disk: skip them.
        now = fingerprint()
        if now == seen:
            continue
        seen = now
        try:
            again()
        except typer.Exit:
            pass  # the run's error was printed
        except Exception as exc:  # noqa: BLE001 - the watcher outlives one bad run
            err.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)


def print_report(report: Any, target: Path | str) -> None:
    """An ingest report as a rich table per article, the changed sections, and skipped sources."""
    verb = "Plan for" if report.dry_run else "Ingested"
    table = Table(title=f"{verb} {target}", title_justify="left")
    table.add_column("article")
    for column in ("added", "changed", "updated", "unchanged", "removed"):
        table.add_column(column, justify="right")
    for row in report.per_article:
        table.add_row(
            row.title, *(str(getattr(row, c)) for c in ("added", "changed", "updated", "unchanged", "removed"))
        )
    out.print(table)
    for change in report.changes:
        out.print(f"  {change}", highlight=False)
    would = "would be " if report.dry_run else ""
    out.print(
        f"{report.chunks} chunks in {report.articles} articles; {report.embedded} {would}embedded, "
        f"{report.deleted} {would}deleted. {report.seconds:.1f} s.",
        highlight=False,
    )
    if report.dry_run:
        out.print("Dry run: nothing was written.")
    for error in report.errors:
        err.print(f"[yellow]Skipped[/] {error}", highlight=False, soft_wrap=True)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Answer a question from the articles, with numbered sources."""
    settings = _settings()
    _friendly(lambda: clean_question(question, max_chars=settings.max_question_chars))
    bot = _friendly(lambda: make_bot(settings, progress=not as_json))
    answer = _friendly(lambda: bot.ask(question))
    if as_json:
        out.print_json(json.dumps(answer.to_dict()))
        return
    if answer.notice:
        err.print(f"[yellow]{answer.notice}[/]", highlight=False)
    out.print(Markdown(answer.text))
    for c in answer.citations:
        updated = f" (updated {c.updated})" if c.updated else ""
        out.print(f"[{c.n}] {c.label}{updated}\n    {c.url}", highlight=False)


@app.command()
def retrieve(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="Sections to return.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the passages as JSON.")] = False,
) -> None:
    """Show the sections most relevant to a question, with their scores."""
    settings = _settings()
    _friendly(lambda: clean_question(question, max_chars=settings.max_question_chars))
    bot = _friendly(lambda: make_bot(settings, progress=not as_json))
    passages = _friendly(lambda: bot.retrieve(question, k=k))
    if as_json:
        out.print_json(json.dumps([p.to_dict() for p in passages]))
        return
    for p in passages:
        out.print(f"[bold]{p.score:.3f}[/]  {p.label}\n       {p.url}", highlight=False)


@app.command("eval")
def eval_command(
    gold: Annotated[
        Path, typer.Argument(help="Gold questions, JSON Lines (default: eval/gold.jsonl).")
    ] = Path("eval/gold.jsonl"),
    cloze: Annotated[
        Path | None,
        typer.Option(help="Instead: the inverse-cloze set of this corpus folder (held-out "
                     "sentences as questions), in a throwaway index."),
    ] = None,
    calibrate: Annotated[
        bool,
        typer.Option(help="Instead: refusal precision/recall for a range of min_relevance "
                     "thresholds, and the one recommended."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Measure retrieval and answers on a gold set: recall, MRR, nDCG, refusals, citations."""
    from careerbot.evaluation.cloze import evaluate_cloze
    from careerbot.evaluation.gold import load_gold
    from careerbot.evaluation.metrics import evaluate

    if cloze is not None:
        from careerbot.embedding.embedder import Embedder

        settings = _settings()
        embedder = _friendly(lambda: Embedder.from_settings(settings))
        figures = _friendly(lambda: evaluate_cloze(cloze, embedder, settings))
        if as_json:
            out.print_json(json.dumps({"embed_backend": embedder.backend, **figures}))
        else:
            out.print(f"embed_backend {embedder.backend}", highlight=False)
            for key, value in figures.items():
                out.print(f"{key:<12} {value:.3f}" if key != "questions" else f"{key:<12} {value:.0f}")
        return
    items = _friendly(lambda: load_gold(gold))
    bot = _friendly(lambda: make_bot(_settings(), progress=not as_json))
    if calibrate:
        _print_calibration(bot, items, as_json=as_json)
        return
    report = _friendly(lambda: evaluate(bot, items))
    if as_json:
        out.print_json(json.dumps({"embed_backend": bot.embedder.backend, **report.to_dict()}))
        return
    table = Table(title=f"{gold}: {report.questions} questions, {report.answerable} answerable "
                  f"(embeddings: {bot.embedder.backend})",
                  title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in report.to_dict().items():
        if isinstance(value, float):
            table.add_row(key, f"{value:.3f}")
    out.print(table)
    for question in report.misses:
        out.print(f"  not in the top 5: {question}", highlight=False)


def _print_calibration(bot: CareerBot, items: list[GoldItem], *, as_json: bool) -> None:
    from careerbot.evaluation.metrics import recommended_threshold, refusal_curve

    points = _friendly(lambda: refusal_curve(bot, items))
    best = recommended_threshold(points)
    if as_json:
        out.print_json(json.dumps({"recommended": best, "current": bot.settings.min_relevance,
                                   "points": [asdict(p) for p in points]}))
        return
    table = Table(title="refusal threshold (min_relevance)", title_justify="left")
    for name in ("threshold", "refusal precision", "refusal recall", "answered"):
        table.add_column(name, justify="right")
    for p in points:
        mark = " ←" if p.threshold == best else ""
        table.add_row(f"{p.threshold:.2f}{mark}", f"{p.refusal_precision:.3f}",
                      f"{p.refusal_recall:.3f}", f"{p.answered_rate:.3f}")
    out.print(table)
    out.print(f"recommended: CAREERBOT_MIN_RELEVANCE={best:.2f} (now {bot.settings.min_relevance:.2f})")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (env GRADIO_SERVER_NAME; default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (env GRADIO_SERVER_PORT; default 7860).")] = None,
) -> None:
    """Start the web app: chat, article pages and the HTTP API."""
    from careerbot.web.address import resolve_address

    bind_host, bind_port = _friendly(lambda: resolve_address(host, port))
    os.environ["GRADIO_SERVER_PORT"] = str(bind_port)  # gradio reads it when imported
    from careerbot.web.server import run

    bot = _friendly(lambda: make_bot(_settings()))
    err.print(f"careerbot is up at http://{bind_host}:{bind_port}  (Ctrl+C stops it)", highlight=False)
    run(bot, host=bind_host, port=bind_port)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``careerbot`` console script (``argv`` defaults to sys.argv)."""
    try:
        app(args=argv)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # a bug, not a user error: one line, traceback on request
        if os.environ.get("CAREERBOT_DEBUG"):
            raise
        err.print(
            f"[bold red]Error:[/] unexpected {type(exc).__name__}: {exc}. Run again with "
            "CAREERBOT_DEBUG=1 for the traceback, and please report it.",
            highlight=False, soft_wrap=True,
        )
        sys.exit(1)
