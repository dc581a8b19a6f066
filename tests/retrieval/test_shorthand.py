from __future__ import annotations

import pytest

from careerbot.bot import CareerBot
from careerbot.retrieval.shorthand import expand_shorthand


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("is the gcp cert worth it", "is the Google Cloud certification worth it"),
        ("CERTS for a jr dev?", "certifications for a junior developer?"),
        ("3 yrs exp as an mle", "3 years experience as an ML engineer"),
        ("comp sci grad, whats the comp like", "computer science graduate, what's the pay like"),
    ],
)
def test_shorthand_is_spelled_out(typed: str, searched: str) -> None:
    assert expand_shorthand(typed) == searched


@pytest.mark.parametrize(
    "text",
    [
        "pay in the U.S. for a developer",  # a dotted abbreviation is not "u"
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
