from __future__ import annotations

from pathlib import Path

import pytest

from careerbot.errors import SourceError
from careerbot.sources import markdown_parser, parse_markdown, read_markdown_file
from tests.conftest import CORPUS

MAIN = CORPUS / "ml-engineer-vs-data-scientist-2026.md"
NAV = ("Sources", "Continue your decision path")


def test_main_article_has_title_sections_and_github_anchors() -> None:
    article = read_markdown_file(MAIN, navigation_headings=NAV)
    assert (
        article.title == "ML Engineer vs Data Scientist in 2026: Which Path Pays and What to Learn"
    )
    assert article.slug == "ml-engineer-vs-data-scientist-2026"
    assert article.url == "https://careers.example.com/articles/ml-engineer-vs-data-scientist-2026"
    assert article.updated is not None
    content = [(s.name, s.anchor) for s in article.sections if not s.navigation]
    assert content == [
        ("Introduction", "ml-engineer-vs-data-scientist-in-2026-which-path-pays-and-what-to-learn"),
        ("What each role actually does", "what-each-role-actually-does"),
        ("How pay and demand differ", "how-pay-and-demand-differ"),
        ("The AI-resilience angle", "the-ai-resilience-angle"),
        ("The directive: which to choose", "the-directive-which-to-choose"),
    ]
    assert [s.name for s in article.sections if s.navigation] == list(NAV)


def test_seed_dashes_are_restored_and_markdown_is_gone() -> None:
    article = read_markdown_file(MAIN)
    text = "\n".join(s.text for s in article.sections)
    assert "β" not in text
    assert "a real decision — here is how to make it" in text
    assert "](" not in text and "##" not in text


def test_links_are_recorded_per_section() -> None:
    article = read_markdown_file(MAIN, navigation_headings=NAV)
    by_name = {s.name: s for s in article.sections}
    hrefs = [link.href for link in by_name["How pay and demand differ"].links]
    assert hrefs == ["https://careers.example.com/articles/ai-engineer-salary-2026"]
    assert len(by_name["Continue your decision path"].links) == 4


def test_h3_sections_keep_their_heading_trail() -> None:
    text = "---\ntitle: T\n---\n# T\n\n## Pay\n\nIntro.\n\n### In India\n\nRupees.\n\n## Next\n\nMore.\n"
    article = parse_markdown(text, source="x.md", default_slug="x")
    assert [(s.trail, s.anchor) for s in article.sections] == [
        (("Pay",), "pay"),
        (("Pay", "In India"), "in-india"),
        (("Next",), "next"),
    ]
    assert article.sections[1].name == "Pay › In India"


def test_anchors_match_what_the_page_renderer_gives() -> None:
    article = read_markdown_file(MAIN)
    html = markdown_parser().render(article.markdown)
    for section in article.sections:
        assert f'id="{section.anchor}"' in html


def test_duplicate_headings_get_distinct_anchors() -> None:
    text = "# T\n\n## FAQ\n\nOne.\n\n## FAQ\n\nTwo.\n"
    anchors = [s.anchor for s in parse_markdown(text, source="x.md", default_slug="x").sections]
    assert anchors == ["faq", "faq-1"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"---\ntitle: [unclosed\n---\n# T\n\n## S\n\nText.\n", "broken YAML front matter (line"),
        (b"---\nslug: Not A Slug\n---\n# T\n\n## S\n\nText.\n", "invalid front matter (slug"),
        (b"---\nurl: ftp://x\n---\n# T\n\n## S\n\nText.\n", "invalid front matter (url"),
        (b"Just a paragraph with no heading at all.\n", "no title"),
        (b"---\ntitle: T\n---\nJust text, no headings.\n", "no headings"),
        (b"# Title only\n", "no text under its headings"),
        (b"# T\n\n## S\n\ncaf\xe9 au lait\n", "is not UTF-8 (byte 0xe9 at offset 14)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    ],
)
def test_bad_files_raise_a_source_error_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_markdown_file(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_title_and_slug_fall_back_to_h1_and_file_name(tmp_path: Path) -> None:
    path = tmp_path / "my-guide.md"
    path.write_text("# My Guide\n\n## Part\n\nText.\n")
    article = read_markdown_file(path)
    assert (article.title, article.slug, article.url) == ("My Guide", "my-guide", None)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("data:text/html,x", "must start with http:// or https://"),
        ("https://", "has no host name"),
        ('"https://x.example/a b"', "percent-encode it"),
        ('"https://x.example/a<img src=x>"', "percent-encode it"),
    ],
)
def test_a_front_matter_url_that_is_not_a_web_address_is_a_source_error(url: str, why: str) -> None:
    text = f"---\nurl: {url}\n---\n# T\n\n## S\n\nText.\n"
    with pytest.raises(SourceError, match="invalid front matter") as info:
        parse_markdown(text, source="a.md", default_slug="a")
    assert why in str(info.value)


def test_a_url_with_parentheses_is_kept_as_written() -> None:
    # Valid in a URL; it is percent-encoded where it becomes a link (careerbot.markup).
    text = "---\nurl: https://x.example/a_(b)\n---\n# T\n\n## S\n\nText.\n"
    assert parse_markdown(text, source="a.md", default_slug="a").url == "https://x.example/a_(b)"
