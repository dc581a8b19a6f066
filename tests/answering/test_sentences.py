"""Quotes that stand alone: list items keep their lead-in, pronoun sentences their antecedent
(on the real articles, and in real answers)."""

from __future__ import annotations

from careerbot.answering.sentences import (
    about_article,
    asked,
    asks_choice,
    is_hook,
    leans_back,
    points_elsewhere,
    question_parts,
    stated_figures,
    type_bonus,
    units,
)
from careerbot.bot import CareerBot
from careerbot.sources import load_corpus
from tests.conftest import CORPUS


def _section(slug: str, name: str) -> str:
    corpus = load_corpus(CORPUS, navigation_headings=())
    article = next(a for a in corpus.articles if a.slug == slug)
    return next(s.text for s in article.sections if s.name == name)


def test_a_list_item_keeps_its_lead_in() -> None:
    text = _section(
        "cloud-certifications-worth-it-2026", "When a certification pays off and when it does not"
    )
    sentences, found = units(text)
    lead = sentences.index("It is usually not worth it when:")
    items = [u for u in found if u.lead_in == lead]
    assert items and all(u.text.startswith("- ") and u.needs == (lead,) for u in items)


def test_a_pronoun_sentence_is_not_shown_alone() -> None:
    text = _section("ml-engineer-vs-data-scientist-2026", "The AI-resilience angle")
    sentences, found = units(text)
    (unit,) = [u for u in found if u.text.startswith("That is a strong reason")]
    assert unit.needs == (unit.position - 1,)
    assert leans_back("Neither hands out jobs directly, but both show where investment is heading.")
    assert not leans_back("Data scientists frame questions.")


def test_a_demonstrative_a_few_words_in_leans_back_too() -> None:
    text = _section(
        "cloud-certifications-worth-it-2026",
        "Choosing between AWS, Microsoft Azure and Google Cloud",
    )
    sentences, found = units(text)
    (unit,) = [u for u in found if u.text.startswith("Check those pages")]
    assert sentences[unit.position - 1].startswith("Each vendor keeps its current list")
    assert unit.needs == (unit.position - 1,)
    assert leans_back("People with that title are counted inside broader categories.")
    assert not leans_back("Salary surveys that report a premium are usually wrong.")
    assert not leans_back("For those who love statistics, data science fits.")
    assert not leans_back("Persistence counts this year, but direction counts more.")


def test_answers_bring_the_lead_in_and_the_antecedent(shared_bot: CareerBot) -> None:
    answer = shared_bot.ask("when is a cloud certification not worth it?")
    lines = answer.text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("- ") and (i == 0 or not lines[i - 1].startswith("- ")):
            assert lines[i - 1].rstrip(" [0123456789]").endswith(":"), answer.text
    answer = shared_bot.ask("why should most new developers bias toward ML engineering?")
    if "That is a strong reason" in answer.text:
        before = answer.text.split("That is a strong reason")[0]
        assert "less so" in before, answer.text  # the sentence it leans on comes first


def test_question_parts_and_stated_figures() -> None:
    assert len(question_parts("what is the pay and which skills matter?")) == 2
    assert question_parts("what does an ML engineer do?") == ["what does an ML engineer do?"]
    assert stated_figures("data scientists make $140k, right?", ["Data scientists: $112,590."]) == {
        "140000"
    }
    assert stated_figures("is it $112,590 in 2024?", ["Data scientists: $112,590."]) == set()
    # A figure written differently is the same figure, either way round.
    assert stated_figures("is it $140,000?", ["about $140k"]) == set()
    assert stated_figures("is it $140k?", ["$140,000 a year"]) == set()
    # The reader describing themselves is not a part of the question.
    assert question_parts("I'm a nurse, how much do ML engineers make?") == [
        "I'm a nurse, how much do ML engineers make?"
    ]


def test_a_list_item_is_one_unit_with_its_further_sentences() -> None:
    text = _section(
        "cloud-certifications-worth-it-2026",
        "The ranking: which cloud certifications signal the most",
    )
    sentences, found = units(text)
    (item,) = [u for u in found if "hands-on Kubernetes certification" in u.text]
    rest = sentences.index("Valuable where teams run their own platform.")
    assert item.follows == (rest,) and item.text.endswith(
        "Valuable where teams run their own platform."
    )
    assert all(u.position != rest for u in found)  # not quotable without its item
    # Every item of the list knows its list, so the list can be scored as a whole.
    items = [u for u in found if u.text.startswith("- ")]
    assert len(items) == 5 and len({u.list_id for u in items}) == 1


def test_a_too_short_opener_brings_the_next_sentence() -> None:
    text = _section("ml-engineer-vs-data-scientist-2026", "How pay and demand differ")
    sentences, found = units(text)
    (opener,) = [u for u in found if u.text.startswith("Both pay well.")]
    assert opener.follows == (opener.position + 1,)
    assert "production ML" in opener.text


def test_hooks_are_told_from_answers() -> None:
    intro = _section("cloud-certifications-worth-it-2026", "Introduction")
    sentences, found = units(intro)
    hooks = {u.text for u in found if is_hook(u.text, u.position, introduction=True)}
    assert any(h.endswith("do they still pay off?") for h in hooks)  # the opening question
    assert any(h.startswith("So this guide ranks") for h in hooks)  # talk about the guide
    assert (
        "No neutral, public dataset isolates what a certification alone adds to pay."
        in {u.text for u in found} - hooks
    )
    # Outside an introduction only a question or a pointer to another article is a hook.
    assert is_hook("Do they still pay off?", 3, introduction=False)
    assert not is_hook("Both pay well.", 0, introduction=False)
    pointer = "For how to read salary data critically, see our AI engineer salary guide."
    assert is_hook(pointer, 4, introduction=False)
    assert is_hook(
        "For India, see AI and ML engineer jobs in India in 2026.", 2, introduction=False
    )
    # A reference after the sentence's own point is no pointer: the point answers.
    own_point = "A certification is a credible signal there; see AI and ML engineer jobs in India."
    assert not is_hook(own_point, 3, introduction=False)
    assert not is_hook(
        "Each hires differently, so read every job description.", 1, introduction=False
    )


def test_question_types_and_comparisons() -> None:
    figure = "- Data scientists: $112,590."
    assert type_bonus("How much does a data scientist make?", figure) > 0
    # "How much should I trust…" asks for a judgement, not an amount.
    assert type_bonus("How much should I trust online numbers?", figure) == 0
    # A comparison has a part for each side.
    assert len(question_parts("ML engineer versus data scientist: what does each do?")) == 2


def test_a_question_splits_into_parts_only_where_it_asks_again() -> None:
    # An "and" joining two things is one question; an "and" starting another question splits.
    assert question_parts("were ml engineer and data scientist always seperate jobs?") == [
        "were ml engineer and data scientist always seperate jobs?"
    ]
    q = "In what order should I learn model serving, pipelines and evaluation to raise my pay?"
    assert question_parts(q) == [q]
    # The reader's situation before the question ("got 2 offers…") is no part of it, even
    # typed in lower case.
    assert question_parts(
        "got 2 offers, a gcc in hyderabad and a startup in pune. how do i compare them, and "
        "whats a normal package"
    ) == ["how do i compare them,", "whats a normal package"]
    assert asked("my team lets us use copilot all day. is that going to make me worse?") == (
        "is that going to make me worse?"
    )


def test_a_comparison_is_not_a_choice_and_an_order_asks_for_steps() -> None:
    assert asks_choice("aws vs azure vs gcp, which should i get certified in")
    assert asks_choice("mle or data science in 2026?")
    assert not asks_choice("ml engineer vs data scientist, whats the difference day to day")
    assert not asks_choice("mle vs ds, whats the actual diff day to day")
    directive = (
        "Pick the cloud your target employers use, not the one with the most talked-about exam."
    )
    assert type_bonus("ml engineer vs data scientist, whats the difference", directive) == 0.0
    step = (
        "- Model serving: put a model behind an API with sensible latency, batching and versioning."
    )
    assert type_bonus("In what order should I learn model serving and pipelines?", step) > 0.0


def test_quoting_an_article_is_not_asking_about_it() -> None:
    assert about_article("what does this guide cover?")
    assert about_article("give me a summary of the salary article")
    assert not about_article("the india article says freshers make 12 lpa, is that everywhere?")
    assert not about_article("your salary guide says the data scientist median is $140,910 right?")
    pointer = "For how to read salary data critically, see our AI engineer salary guide."
    assert points_elsewhere(pointer)
    assert not points_elsewhere("A certification is a credible signal there.")
