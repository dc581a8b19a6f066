from __future__ import annotations

import pytest

from careerbot.bot import CareerBot
from careerbot.retrieval.shorthand import expand_shorthand


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("is the gcp cert worth it", "is the Google Cloud certification worth it"),
        ("Certs for a jr dev?", "certifications for a junior developer?"),
        ("3 yrs as an mle", "3 years as an ML engineer"),
        ("comp sci grad, whats the diff", "computer science graduate, what's the difference"),
        (
            "GCP or AWS? cs grad, SWE",
            "Google Cloud or AWS? computer science graduate, software engineer",
        ),
    ],
)
def test_shorthand_is_spelled_out(typed: str, searched: str) -> None:
    assert expand_shorthand(typed) == searched


@pytest.mark.parametrize(
    "text",
    [
        "CS and IM roles",  # capitals: acronyms of something else (customer success)
        "jr.dev.example",  # inside a dotted name
        "dev-ops and devops",  # inside hyphenated or longer words
        "certification and certified",
        "imagine a prodigy",
        "see /usr/dev/null",
    ],
)
def test_words_that_only_contain_shorthand_are_left_alone(text: str) -> None:
    assert expand_shorthand(text) == text


def test_search_reads_shorthand_as_the_words_it_stands_for(shared_bot: CareerBot) -> None:
    typed = shared_bot.retrieve("should a jr dev get the gcp cert", k=3)
    spelled = shared_bot.retrieve(
        "should a junior developer get the Google Cloud certification", k=3
    )
    assert [(p.section, round(p.score, 6)) for p in typed] == [
        (p.section, round(p.score, 6)) for p in spelled
    ]
    assert any("Google Cloud" in p.section for p in typed)
