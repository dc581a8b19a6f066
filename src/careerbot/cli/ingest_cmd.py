"""``careerbot ingest``: index the corpus and web pages, print what changed, optionally watch."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from careerbot.cli.output import err, fail, load_settings, out, print_error
from careerbot.cli.progress import embedding_progress
from careerbot.errors import CorpusError, IndexCorruptError, VectorSegmentError
from careerbot.settings import Settings

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.evaluation.gate import GateReport
    from careerbot.ingest.report import IngestReport

EXIT_PARTIAL = 3
"""Exit code of an ingest in which some sources failed (the rest was ingested)."""

COLUMNS = ("added", "changed", "updated", "unchanged", "removed")


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
        int | None,
        typer.Option(
            min=0, max=5, help="Same-site links to follow (default: CAREERBOT_CRAWL_DEPTH, 1)."
        ),
    ] = None,
    rebuild: Annotated[
        bool, typer.Option(help="Drop the index and embed everything again.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; write nothing.")
    ] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="Stay running; re-ingest when files change.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="First ingest into a scratch copy of the live index, re-ask the gold and "
            "logged questions, print the answers that changed and the metrics; publish only "
            "if no metric dropped by more than --max-drop.",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --check: publish even when a metric dropped.")
    ] = False,
    max_drop: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="With --check: the largest drop of a gold metric allowed (default: "
            "CAREERBOT_CHECK_MAX_DROP, 0.02).",
        ),
    ] = None,
    gold: Annotated[
        Path, typer.Option(help="With --check: the gold questions, JSON Lines.")
    ] = Path("eval/gold.jsonl"),
) -> None:
    """Index the corpus: new and changed sections are embedded, removed ones deleted.

    Exit codes: 0 done, 1 nothing done (see the message), 3 done but some sources were skipped,
    4 --check found a drop and published nothing.
    """
    settings = load_settings(crawl_depth=depth)
    urls, sitemaps = url or [], sitemap or []
    target = path or (None if urls or sitemaps else settings.corpus_dir)
    if watch and target is None:
        raise fail("--watch needs a folder or file to watch (pass PATH).", 2)
    if check and (watch or rebuild):
        raise fail(
            "--check checks one ingest of changed content: not with --watch or --rebuild.", 2
        )
    bot = open_bot(settings, path, target, rebuild=rebuild)
    gate = None
    if check:
        gate = checked(
            bot, path, urls, sitemaps, gold, max_drop, as_json=as_json, force=force, dry_run=dry_run
        )

    def run(rebuild: bool) -> IngestReport:
        with embedding_progress(not as_json and not dry_run) as callback:
            return bot.ingest(
                path,
                urls=urls,
                sitemaps=sitemaps,
                rebuild=rebuild,
                dry_run=dry_run,
                progress=callback,
            )

    def show(report: IngestReport) -> None:
        if as_json and gate is not None:
            out.print_json(json.dumps({"check": gate.to_dict(), "ingest": report.to_dict()}))
        elif as_json:
            out.print_json(json.dumps(report.to_dict()))
        else:
            print_report(report, target or "the web")

    report = run(rebuild)
    show(report)
    if watch and target is not None:
        watch_and_ingest(target, lambda: show(run(False)))
    if report.errors:
        raise typer.Exit(EXIT_PARTIAL)


def checked(
    bot: CareerBot,
    path: Path | None,
    urls: list[str],
    sitemaps: list[str],
    gold: Path,
    max_drop: float | None,
    *,
    as_json: bool,
    force: bool,
    dry_run: bool,
) -> GateReport:
    """The check before publishing (see :mod:`careerbot.cli.check_cmd`); exits with
    :data:`EXIT_BLOCKED` on a drop (unless ``force``), or 1 when another ingest published
    meanwhile."""
    from careerbot.cli.check_cmd import EXIT_BLOCKED, run_check

    gate = run_check(
        bot, path, urls=urls, sitemaps=sitemaps, gold=gold, max_drop=max_drop, quiet=as_json
    )
    if not gate.passed and not force:
        if as_json:
            out.print_json(json.dumps({"check": gate.to_dict(), "ingest": None}))
        raise fail(gate.message(), EXIT_BLOCKED)
    if not gate.passed:
        err.print(
            f"[yellow]Publishing despite the drop (--force):[/] {gate.what_dropped()}",
            highlight=False,
            soft_wrap=True,
        )
    elif not as_json:
        err.print(f"Check passed: {'a dry run' if dry_run else 'publishing'}.", highlight=False)
    if bot.store.stamp != gate.generation:
        raise fail(
            "The live index changed while it was checked (another ingest published); nothing "
            "was published by this one. Run the check again."
        )
    return gate


def open_bot(
    settings: Settings, path: Path | None, target: Path | None, *, rebuild: bool
) -> CareerBot:
    """The bot to ingest with, failing fast (before the model loads) on a missing path or an
    empty folder; with ``rebuild``, an unreadable local index is moved aside first."""
    from careerbot.bot import CareerBot
    from careerbot.sources import load_corpus
    from careerbot.store.recovery import set_aside_local_index

    if path is not None and not path.exists():
        raise CorpusError(f"{path} does not exist.")
    if target is not None and target.is_dir():
        load_corpus(target)
    try:
        bot = CareerBot(settings, build_if_missing=False)
        bot.store.exists()
    except VectorSegmentError:
        return CareerBot(settings, build_if_missing=False)  # the ingest repairs it, locked
    except IndexCorruptError:
        moved = set_aside_local_index(settings) if rebuild else None
        if moved is None:
            raise
        err.print(f"Moved the unreadable index to {moved}; rebuilding.", highlight=False)
        bot = CareerBot(settings, build_if_missing=False)
    return bot


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
            print_error(str(exc))


def print_report(report: IngestReport, target: Path | str) -> None:
    """An ingest report as a rich table per article, the changed sections, and skipped sources."""
    if report.repaired:
        err.print(
            f"[yellow]Repaired[/] the index: its vectors were missing (the HNSW segment), so "
            f"{report.repaired} stored chunks were embedded again.",
            highlight=False,
            soft_wrap=True,
        )
    verb = "Plan for" if report.dry_run else "Ingested"
    table = Table(title=f"{verb} {target}", title_justify="left")
    table.add_column("article")
    for column in COLUMNS:
        table.add_column(column, justify="right")
    for row in report.per_article:
        table.add_row(row.title, *(str(getattr(row, c)) for c in COLUMNS))
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
