"""Ingest from URLs and sitemaps, against a real HTTP server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careerbot.bot import CareerBot
from careerbot.cli.app import EXIT_PARTIAL, app
from careerbot.embedding.embedder import Embedder
from careerbot.errors import CorpusError
from careerbot.settings import Settings
from tests.conftest import CORPUS, Site

MAIN = "ml-engineer-vs-data-scientist-2026"


def web_bot(tmp_path: Path, embedder: Embedder, **overrides: object) -> CareerBot:
    settings = Settings(
        data_dir=tmp_path / "data",
        corpus_dir=CORPUS,
        fetch_timeout=1.0,
        fetch_retries=1,
        **overrides,
    )  # type: ignore[arg-type]
    return CareerBot(settings, embedder=embedder, build_if_missing=False)


def test_an_article_url_brings_its_linked_guides(
    site: Site, tmp_path: Path, embedder: Embedder
) -> None:
    bot = web_bot(tmp_path, embedder)
    report = bot.ingest(urls=[site.url(MAIN)])
    assert report.errors == () and report.articles == 5
    sources = {m["source"] for m in bot.store.stored().values()}
    assert sources == {
        site.url(slug)
        for slug in (
            MAIN,
            "ai-engineer-salary-2026",
            "ai-ml-engineer-jobs-india-2026",
            "cloud-certifications-worth-it-2026",
            "junior-developer-gap-2026",
        )
    }
    assert site.hits["/about"] == 0 and site.hits["/"] == 0  # navigation is not followed
    answer = bot.ask("Which cloud should my first certification be on?")
    url = answer.citations[0].url
    assert url.startswith(site.url("cloud-certifications-worth-it-2026") + "#")
    anchor = url.split("#")[1]
    assert f'id="{anchor}"' in site.pages["/articles/cloud-certifications-worth-it-2026"]


def test_unchanged_pages_are_not_downloaded_again(
    site: Site, tmp_path: Path, embedder: Embedder
) -> None:
    bot = web_bot(tmp_path, embedder)
    first = bot.ingest(urls=[site.url(MAIN)])
    site.statuses.clear()
    again = bot.ingest(urls=[site.url(MAIN)])
    assert again.embedded == 0 and again.deleted == 0 and again.unchanged == first.chunks
    page_statuses = [s for p, s in site.statuses if p.startswith("/articles/")]
    assert page_statuses == [304] * 5

    path = "/articles/ai-engineer-salary-2026"
    site.pages[path] = site.pages[path].replace(
        "A median is the middle", "A median is the midpoint"
    )
    site.statuses.clear()
    third = bot.ingest(urls=[site.url(MAIN)])
    assert third.embedded == 1 and third.updated == 1
    assert sorted(s for p, s in site.statuses if p.startswith("/articles/")) == [200] + [304] * 4


def test_depth_zero_and_sitemaps(site: Site, tmp_path: Path, embedder: Embedder) -> None:
    alone = web_bot(tmp_path / "a", embedder, crawl_depth=0).ingest(urls=[site.url(MAIN)])
    assert alone.articles == 1
    mapped = web_bot(tmp_path / "b", embedder, crawl_depth=0).ingest(
        sitemaps=[f"{site.base}/sitemap.xml"]
    )
    assert mapped.articles == 5 and mapped.errors == ()


@pytest.mark.slow  # several seconds: a fresh index, a slow page or a recall sweep
def test_bad_pages_are_skipped_and_named(site: Site, tmp_path: Path, embedder: Embedder) -> None:
    bot = web_bot(tmp_path, embedder, crawl_depth=0)
    bad = ["/broken/404", "/broken/500", "/slow", "/huge", "/private/page"]
    report = bot.ingest(urls=[site.url(MAIN)] + [site.base + p for p in bad])
    assert report.articles == 1
    messages = dict(
        zip(
            bad, sorted(report.errors, key=lambda e: [p in e for p in bad].index(True)), strict=True
        )
    )
    assert "answered HTTP 404" in messages["/broken/404"]
    assert (
        "answered HTTP 500 (2 tries)" in messages["/broken/500"] and site.hits["/broken/500"] == 2
    )
    assert "timed out after 1 s" in messages["/slow"]
    assert "size limit" in messages["/huge"] or "the limit is" in messages["/huge"]
    assert "robots.txt" in messages["/private/page"] and site.hits["/private/page"] == 0


def test_a_page_that_starts_failing_keeps_its_chunks(
    site: Site, tmp_path: Path, embedder: Embedder
) -> None:
    bot = web_bot(tmp_path, embedder)
    bot.ingest(urls=[site.url(MAIN)])
    before = bot.store.stored()
    del site.pages["/articles/junior-developer-gap-2026"]  # now a 404
    report = bot.ingest(urls=[site.url(MAIN)])
    assert len(report.errors) == 1 and "junior-developer-gap-2026" in report.errors[0]
    assert report.deleted == 0 and set(bot.store.stored()) == set(before)


def test_web_runs_and_folder_runs_leave_each_other_alone(
    site: Site, tmp_path: Path, embedder: Embedder
) -> None:
    bot = web_bot(tmp_path, embedder, crawl_depth=0)
    folder = bot.ingest()
    web = bot.ingest(urls=[site.url(MAIN)])
    assert web.deleted == 0 and bot.store.count() == folder.chunks + web.chunks
    again = bot.ingest()  # a whole-folder run (full cleanup) keeps the web pages
    assert again.deleted == 0 and bot.store.count() == folder.chunks + web.chunks


def test_nothing_readable_is_an_error(site: Site, tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(CorpusError, match="HTTP 404"):
        web_bot(tmp_path, embedder).ingest(urls=[site.base + "/broken/404"])


def test_cli_partial_failure_exit_code(site: Site) -> None:
    result = CliRunner().invoke(
        app,
        ["ingest", "--json", "--depth", "0", "--url", site.url(MAIN), "--url", site.base + "/nope"],
    )
    assert result.exit_code == EXIT_PARTIAL, result.output
    report = json.loads(result.stdout)
    assert report["articles"] == 1 and "/nope" in report["errors"][0]
    assert set(report) >= {"added", "updated", "unchanged", "deleted", "embedded", "errors"}


def test_html_files_in_the_corpus_folder(site: Site, tmp_path: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cloud-certs.html").write_text(
        site.pages["/articles/cloud-certifications-worth-it-2026"]
    )
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus)
    bot = CareerBot(settings, embedder=embedder)
    assert bot.last_ingest is not None and bot.last_ingest.errors == ()
    sections = {m["section"]: m["anchor"] for m in bot.store.stored().values()}
    assert sections["Choosing between AWS, Microsoft Azure and Google Cloud"] == (
        "choosing-between-aws-microsoft-azure-and-google-cloud"
    )
    answer = bot.ask("Should my first certificate be AWS, Azure or Google Cloud?")
    assert answer.citations[0].url.startswith("/articles/cloud-certs#")
    (corpus / "bad.htm").write_bytes(b"<html>\xff\xfe</html>")
    report = bot.ingest()
    assert len(report.errors) == 1 and "bad.htm" in report.errors[0] and report.deleted == 0
