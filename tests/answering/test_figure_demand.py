from __future__ import annotations

import pytest

from careerbot.answering.answerability import Vocabulary
from careerbot.answering.figure_demand import (
    asks_pay,
    figure_given,
    figure_wanted,
    missing_figure,
    missing_pay,
)
from careerbot.bot import CareerBot
from careerbot.types import Passage

HIRING = "Four kinds of employer account for most openings:\n- Global capability centres (GCCs)."
BLS = (
    "- Data scientists: $112,590. BLS also projects their employment to grow 34 percent from "
    "2024 to 2034."
)
TITLES = ["AI Engineer Salary in 2026", "ML Engineer vs Data Scientist in 2026"]
REFUSED = "The sections nearest your question don't give"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("roughly how many GCCs are operating in india right now?", "count"),
        ("by what percent is programmer employment supposed to grow?", "percent"),
        ("what hike % is normal when switching jobs", "percent"),
        ("whats the average bonus percentage for ai engineers at us startups", "percent"),
        ("how many years is the gcp ml cert valid?", "duration"),
        ("how long does it take to prepare for the aws exam", "duration"),
        ("how big is the pay gap between bengaluru and pune", "amount"),
        ("what's the total budget of the indiaai mission", "amount"),
        # Advice, not a figure.
        ("how many certifications should i get", ""),
        ("how many projects does a new grad need on github", ""),
        ("how many projects are enough for a portfolio", ""),
        ("how long should my resume be", ""),
        ("how much do data scientists make in the us", ""),
        # Not the size of a number: "gap" and "difference" count only for pay.
        ("how big is the junior developer gap", ""),
        ("how big a difference does an aws cert make when applying to gccs", ""),
        ("what percentile should I target", ""),
        # The reader's scene, or not the start of the asking.
        ("i work full time so not sure how long i can study each week. which cert first?", ""),
        ("no matter how long it takes, which cloud cert signals the most?", ""),
    ],
)
def test_a_question_asking_for_a_figure_is_known_by_its_form(question: str, kind: str) -> None:
    assert figure_wanted(question) == kind


def test_a_figure_counts_only_beside_what_the_question_asks_about() -> None:
    stems = Vocabulary([HIRING, BLS]).stems
    assert missing_figure("roughly how many GCCs are there in india?", [HIRING], stems) == (
        "that number"
    )
    assert missing_figure("how many kinds of employer hire in india?", [HIRING], stems) == ""
    # A count is read after its number: a salary is not a number of data scientists.
    assert missing_figure("how many data scientists are there?", [BLS], stems) == "that number"
    percent = "by what percent is data scientist employment projected to grow?"
    assert missing_figure(percent, [BLS], stems) == ""
    programmers = "by what percent is computer programmer employment projected to decline?"
    assert missing_figure(programmers, [BLS], stems) == "that percentage"
    # A follow-up with no subject of its own takes the conversation's.
    follow = "roughly how many are there right now?"
    assert missing_figure(follow, [BLS], stems, context="how many gccs are in india") != ""
    assert missing_figure(follow, [HIRING], stems, context="kinds of employer in india") == ""


def test_a_share_is_found_however_it_is_written() -> None:
    stems = Vocabulary(["x"]).stems
    for text in ("pay is 20% higher.", "a 20 percent premium", "a premium of 12.5 %"):
        assert figure_given("amount", {"pay", "premium", "more"}, [text], stems), text
        assert figure_given("percent", set(), [text], stems), text
    assert figure_given("duration", set(), ["a six-month course"], stems)
    assert not figure_given("percent", set(), ["Both pay well."], stems)


@pytest.mark.parametrize(
    ("question", "pay"),
    [
        ("what does a data engineer make in the US?", True),
        ("how much do data engineers make", True),
        ("do nurses earn more than teachers", True),
        ("do certifications pay off for software developers", False),
        ("what skills would make a software engineer stand out at a gcc", False),
        ("what does a data engineer need to learn to make the switch to ml?", False),
    ],
)
def test_pay_is_asked_about_only_as_pay(question: str, pay: bool) -> None:
    assert asks_pay(question) is pay


def test_pay_for_a_role_needs_an_amount_for_that_role_or_an_article_about_it() -> None:
    bls = [Passage(BLS, TITLES[0], "What official US pay data shows", "", 0.8)]
    engineer = missing_pay("what does a data engineer make in the US?", bls, TITLES)
    assert engineer == "pay for data engineers"
    assert (
        missing_pay("what does an SDE make in the US?", bls, TITLES) == "pay for software engineers"
    )
    assert missing_pay("how much do data scientists make?", bls, TITLES) == ""
    # An article about the role: its pay is answered from the nearest categories.
    assert missing_pay("what do ai engineers earn?", bls, TITLES) == ""
    assert missing_pay("machine learning engineer salary?", bls, TITLES) == ""
    assert missing_pay("what does an MLE make?", bls, TITLES) == ""
    assert missing_pay("why do ai engineers get paid more than swes?", bls, TITLES) == ""
    # The reader's own role is context: the question asks about the other one.
    for question in (
        "data engineer here, what do ML engineers make?",
        "as a data engineer, what do data scientists earn",
        "currently a data engineer - what do data scientists make",
        "i'm a data engineer, what do data scientists make?",
    ):
        assert missing_pay(question, bls, TITLES) == "", question


def test_a_figure_the_articles_never_give_is_refused_as_such(shared_bot: CareerBot) -> None:
    gccs = shared_bot.ask("roughly how many GCCs are operating in india right now?")
    assert gccs.refused and gccs.citations == ()
    assert gccs.text.startswith(f"{REFUSED} that number"), gccs.text
    decline = shared_bot.ask(
        "how big is the projected decline for computer programmers, like what %"
    )
    assert decline.refused and decline.text.startswith(f"{REFUSED} that percentage")
    engineer = shared_bot.ask("what does a data engineer make in the US?")
    assert engineer.refused and engineer.text.startswith(f"{REFUSED} pay for data engineers")
    # The figures they do give are answered, and so is advice asked with "how many".
    scientists = shared_bot.ask("how much do data scientists make in the us")
    assert not scientists.refused and "$112,590" in scientists.text
    assert not shared_bot.ask("ml engineer salary in the us?").refused
    assert not shared_bot.ask("how many certifications should i get").refused
    assert not shared_bot.ask("do certifications pay off for software developers?").refused
    kinds = shared_bot.ask("how many kinds of employers hire ai engineers in india")
    assert not kinds.refused and "Four kinds of employer" in kinds.text


def test_a_figure_keeps_its_role() -> None:
    """A growth rate stated for data scientists is no growth rate for software developers."""
    stems = Vocabulary([BLS]).stems
    developers = "by what percent does bls say software developer jobs will grow"
    assert missing_figure(developers, [BLS], stems) == "that percentage"
    scientists = "by what percent does bls say data scientist jobs will grow"
    assert missing_figure(scientists, [BLS], stems) == ""
    # The reader's own role is the scene, not the subject.
    mine = "i'm a software developer. by what percent will data scientist jobs grow?"
    assert missing_figure(mine, [BLS], stems) == ""


def test_a_growth_rate_for_another_role_is_refused(shared_bot: CareerBot) -> None:
    answer = shared_bot.ask("by what percent does bls say software developer jobs will grow")
    assert answer.refused, answer.text
    assert answer.text.startswith(f"{REFUSED} that percentage"), answer.text
    growth = shared_bot.ask("by what percent will data scientist employment grow per bls?")
    assert not growth.refused and "34 percent" in growth.text, growth.text
