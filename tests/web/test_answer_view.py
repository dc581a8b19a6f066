from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from careerbot.answering.refusal import ABOUT
from careerbot.types import Answer, Citation
from careerbot.web.answer_view import (
    as_history,
    cited_url,
    follow_up_options,
    linked_markers,
    render,
    source_cards,
)

HOSTILE = Citation(
    n=1,
    title='Pay <img src=x onerror="alert(1)">',
    section="S&P",
    url="/articles/pay-2026#levels",
    snippet='Quoted "<script>alert(2)</script>" text.',
    updated="2026-01-23",
)


def test_a_marker_links_to_its_section_with_the_cited_sentence() -> None:
    html = linked_markers("Pay varies. [1]", (HOSTILE,))
    href = html.split('href="', 1)[1].split('"', 1)[0]
    parts = urlsplit(href.replace("&amp;", "&"))
    assert parts.path == "/articles/pay-2026" and parts.fragment == "levels"
    assert parse_qs(parts.query)["cite"] == ['Quoted "<script>alert(2)</script>" text.']
    assert 'target="_blank" rel="noopener"' in html
    assert html.startswith('Pay varies. <a class="cb-cite"') and ">[1]<span" in html


def test_article_and_reader_text_never_becomes_markup() -> None:
    shown = render(Answer(text="Pay varies. [1]", citations=(HOSTILE,)))
    assert "<img" not in shown and "<script" not in shown
    assert "&#60;img src=x onerror=&#34;alert&#40;1&#41;&#34;&#62;" in shown
    assert "S&#38;P" in shown


def test_markers_that_are_text_or_unbacked_stay_text() -> None:
    assert (
        linked_markers(r"an article's \[1\] and [2]", (HOSTILE,)) == r"an article's \[1\] and [2]"
    )
    both = linked_markers(
        "Both. [1, 2]", (HOSTILE, HOSTILE.__class__(**{**HOSTILE.__dict__, "n": 2}))
    )
    assert both.count('class="cb-cite"') == 2 and "[1]" in both and "[2]" in both


def test_a_link_we_do_not_serve_is_not_linked() -> None:
    bad = Citation(n=1, title="T", section="S", url="javascript:alert(1)", snippet="x.")
    assert cited_url(bad) == ""
    assert "href" not in linked_markers("x [1]", (bad,))
    assert "href" not in source_cards((bad,))


def test_an_article_elsewhere_gets_a_text_fragment() -> None:
    away = Citation(
        n=1, title="T", section="S", url="https://example.org/post#part", snippet="A long cut…"
    )
    assert cited_url(away) == "https://example.org/post#part:~:text=A%20long%20cut"


def test_cards_show_label_date_and_quote() -> None:
    cards = source_cards((HOSTILE,))
    assert 'aria-label="Sources"' in cards and "Updated 2026-01-23" in cards
    assert '<q class="cb-card-quote">Quoted &#34;&#60;script&#62;' in cards
    assert source_cards(()) == ""


def test_history_reads_the_answer_without_previews_and_cards() -> None:
    answer = Answer(text="Pay varies. [1]\n\n- Levels differ. [1]", citations=(HOSTILE,))
    assert as_history(render(answer)) == answer.text


def test_follow_ups_are_buttons_with_short_labels() -> None:
    answer = Answer(
        text="x [1]", suggestions=(f"{ABOUT}the roles behind the demand?", "How do I judge it?")
    )
    assert follow_up_options(answer) == [
        {"label": "The roles behind the demand", "value": f"{ABOUT}the roles behind the demand?"},
        {"label": "How do I judge it?", "value": "How do I judge it?"},
    ]


def test_markdown_in_article_text_stays_text_in_previews_and_cards() -> None:
    tricky = Citation(
        n=1,
        title="Guide_to *pay*",
        section="`Levels` | tiers",
        url="/articles/pay-2026#levels",
        snippet="See [the guide](https://evil.example) or ![p](https://x.example/p.png), www.x.com $1$",
    )
    shown = render(Answer(text="Pay varies. [1] Again. [1]", citations=(tricky,)))
    # The text the chat's Markdown renderer reads: everything but the tags we made.
    body = re.sub(r"<[^>]*>", " ", shown)
    for live in ("[the guide]", "](", "![", "`", "*pay*", "_to", "https:", "www.", "$1$", "|"):
        assert live not in body, live
    assert shown.count('<a class="cb-cite"') == 2 and shown.count("</a>") >= 2
