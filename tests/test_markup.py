"""Article data never becomes live markup: escaping and URL checks, then a hostile article
ingested with the real model and asked about, every Markdown output rendered and searched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from careerbot import CareerBot, Settings
from careerbot.embedding.embedder import Embedder
from careerbot.markup import inline_markdown, markdown_link, markdown_text, safe_url
from careerbot.types import Answer, Citation
from tests.hostile import HOSTILE_URL, QUESTION, live_markup, render_gfm, write_hostile_corpus


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "/\\evil.example",
        "http://",
        "mailto:a@b.c",
    ],
)
def test_urls_that_are_not_http_or_a_local_path_are_not_linked(url: str) -> None:
    assert safe_url(url) == ""
    assert "](" not in markdown_link("Pay", url)


def test_characters_that_end_a_link_are_percent_encoded() -> None:
    assert safe_url(HOSTILE_URL) == (
        "https://careers.example.com/a%29!%5Bpwn%5D%28http://evil.example/track.png%29"
        "%5Bmore%5D%28http://evil.example"
    )
    assert safe_url('https://x.example/a b"<c>') == "https://x.example/a%20b%22%3Cc%3E"
    # Already encoded URLs, queries and fragments stay as they are.
    url = "https://x.example/p%20q?a=1&b=2#why-pay"
    assert safe_url(url) == url
    assert safe_url("/articles/pay#why") == "/articles/pay#why"


def test_text_escaped_for_markdown_renders_as_itself() -> None:
    evil = "<img src=x onerror=alert(1)> [a](javascript:x) ![i](http://e) *b* \\[c\\]"
    html = render_gfm(markdown_text(evil))
    assert live_markup(html) == [] and "<em>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert render_gfm(markdown_link("A [x](y) <b>", "https://careers.example.com/a)(b")) == (
        '<p><a href="https://careers.example.com/a%29%28b">A [x](y) &lt;b&gt;</a></p>\n'
    )


def test_an_answer_sentence_keeps_its_markers_but_nothing_else_goes_live() -> None:
    for evil in (
        "Pay <img src=x onerror=alert(1)> rises [1].",
        "Pay rises [1](javascript:alert(1)).",
        "[1]: javascript:alert(1)",
        "See [this](http://evil.example) [2].",
        "A backslash \\[x](javascript:alert(1)) [1].",
        "An autolink <http://evil.example> [1].",
    ):
        html = render_gfm(inline_markdown(evil) + "\n\nThe end [1].")
        assert live_markup(html) == [], evil
        assert "[1]" in html
    assert inline_markdown("Pay (base) rises [1, 2].") == "Pay (base) rises [1, 2]."


def test_citations_and_passages_render_their_article_data_as_text() -> None:
    citation = Citation(
        n=1,
        title="<img src=x onerror=alert(1)> [t](javascript:x)",
        section="Pay <script>alert(1)</script>",
        url=HOSTILE_URL,
        snippet="s",
        updated="2026-01-05",
    )
    answer = Answer(text="Pay rises [1].", citations=(citation,))
    for md in (answer.sources_markdown(), answer._repr_markdown_(), citation._repr_markdown_()):
        assert live_markup(render_gfm(md)) == [], md
    bad = Citation(n=1, title="T", section="S", url="javascript:alert(1)", snippet="s")
    assert "javascript" not in Answer(text="x [1]", citations=(bad,)).sources_markdown()


@pytest.fixture(scope="module")
def hostile_bot(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> CareerBot:
    root = tmp_path_factory.mktemp("hostile")
    corpus = write_hostile_corpus(root / "corpus")
    return CareerBot(
        Settings(data_dir=root / "data", corpus_dir=corpus, link_mode="canonical"),
        embedder=embedder,
    )


def test_a_hostile_article_asked_about_yields_no_live_markup(hostile_bot: CareerBot) -> None:
    answer = hostile_bot.ask(QUESTION)
    assert not answer.refused and answer.citations
    assert any(HOSTILE_URL.split(")")[0] in c.url for c in answer.citations)  # canonical mode
    outputs = {
        "answer": answer._repr_markdown_(),
        "sources": answer.sources_markdown(),
        "citation": answer.citations[0]._repr_markdown_(),
        "passages": "\n\n".join(p._repr_markdown_() for p in answer.passages),
    }
    for name, md in outputs.items():
        assert live_markup(render_gfm(md)) == [], name
    # The article's words are still there, as text.
    assert "&lt;img src=x onerror=alert(1)&gt;" in render_gfm(outputs["passages"])


def test_a_hostile_article_page_shows_its_html_as_text(tmp_path: Path) -> None:
    from careerbot.sources import load_corpus
    from careerbot.store.articles import ArticleTable
    from careerbot.store.database import Database
    from careerbot.web.pages import ArticlePages

    # Through the database, as an ingest stores it and a replica reads it.
    database = Database(Settings(data_dir=tmp_path / "data"))
    database.migrate()
    table = ArticleTable(database, "hostile")
    corpus = load_corpus(write_hostile_corpus(tmp_path / "corpus"))
    assert table.sync(corpus.articles, covers=lambda _: True, failed=frozenset()) >= 1
    pages = ArticlePages(table)
    article = pages.article("night-shift-nursing")
    assert article is not None
    body = pages.render(article).split("<body>", 1)[1]
    assert "<script" not in body and "onerror" not in body.replace("onerror=alert(1)&gt;", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "&lt;script&gt;alert(2)" in body
    hrefs = re.findall(r'href="([^"]*)"', body)
    assert hrefs and not any(h.lower().startswith(("javascript", "data")) for h in hrefs)
    # The front-matter url with its ")" is one attribute value, percent-encoded.
    assert '<a href="https://careers.example.com/a%29!%5Bpwn%5D%28http://evil' in body


def test_a_refusal_lists_a_hostile_title_as_text(hostile_bot: CareerBot) -> None:
    answer = hostile_bot.ask("What is the capital of Peru?")
    assert answer.refused and "Night shift" in answer.text
    assert live_markup(render_gfm(answer._repr_markdown_())) == []
