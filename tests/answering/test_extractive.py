from __future__ import annotations

import re

import pytest

from careerbot.answering.extractive import INTRO_DEMOTION, section_standing
from careerbot.bot import CareerBot
from careerbot.text import split_sentences
from careerbot.types import Answer

SITE = "https://careers.example.com"  # the corpus's canonical URLs

QUESTIONS = [
    "What does an ML engineer do that a data scientist doesn't?",
    "Why does production ML work earn a pay premium?",
    "Which of the two roles pays better?",
    "Is a cloud certification worth getting?",
    "How can a junior developer stay relevant as AI automates routine work?",
    "Where in India is AI hiring concentrated?",
]


def markers(answer: Answer) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]


def test_every_marker_has_a_citation_and_every_citation_is_used(shared_bot: CareerBot) -> None:
    for question in QUESTIONS:
        answer = shared_bot.ask(question)
        assert not answer.refused, question
        used = markers(answer)
        assert used, question
        assert (
            sorted(set(used))
            == [c.n for c in answer.citations]
            == list(range(1, len(answer.citations) + 1))
        )
        assert used[0] == 1  # numbered in order of first use


def test_sentences_are_quoted_verbatim_from_their_cited_section(shared_bot: CareerBot) -> None:
    for question in QUESTIONS:
        answer = shared_bot.ask(question)
        by_n = {c.n: c for c in answer.citations}
        passages = {(p.title, p.section): p.text for p in answer.passages}
        lines = answer.text.split("\n")
        claims = [c for line in lines for c in re.findall(r"(.+?) \[(\d+)\]", line)]
        for i, line in enumerate(lines):  # a list's lead-in comes with its list
            if re.sub(r" \[\d+\]$", "", line).endswith(":"):
                assert i + 1 < len(lines) and lines[i + 1].startswith("- "), line
        assert claims
        seen = set()
        for sentence, n in claims:
            sentence = sentence.strip()
            citation = by_n[int(n)]
            assert sentence in split_sentences(passages[(citation.title, citation.section)])
            assert sentence not in seen, "repeated sentence"
            seen.add(sentence)


def test_citations_read_title_section_with_a_section_link(shared_bot: CareerBot) -> None:
    answer = shared_bot.ask("Does an ML engineer or a data scientist earn more?")
    for c in answer.citations:
        assert c.label == f"{c.title} › {c.section}"
        # Outside the web app: the canonical article's section (no app_url is set).
        assert re.fullmatch(r"https://careers\.example\.com/articles/[a-z0-9-]+#[a-z0-9-]+", c.url)
        assert c.snippet


def test_guide_questions_cite_the_guide(shared_bot: CareerBot) -> None:
    cases = {
        "What do BLS figures say about data scientist wages?": "ai-engineer-salary-2026",
        "Which Indian cities have the most AI jobs?": "ai-ml-engineer-jobs-india-2026",
        "Should I pick AWS, Azure or Google Cloud for my first certificate?": "cloud-certifications-worth-it-2026",
        "How should a new developer use AI coding assistants without hurting their learning?": "junior-developer-gap-2026",
    }
    for question, slug in cases.items():
        answer = shared_bot.ask(question)
        assert answer.citations[0].url.startswith(f"{SITE}/articles/{slug}#"), question


def test_off_topic_questions_are_refused_politely(
    shared_bot: CareerBot, offtopic_questions: list[str]
) -> None:
    clearly_off_topic = offtopic_questions[:6]  # cooking, sport, geography, fitness
    for question in clearly_off_topic:
        answer = shared_bot.ask(question)
        assert answer.refused, question
        assert answer.citations == ()
        assert "only answer from our articles" in answer.text
        assert "ML Engineer vs Data Scientist in 2026" in answer.text  # says what is covered


def test_a_follow_up_is_read_in_the_light_of_the_previous_turn(shared_bot: CareerBot) -> None:
    history = [
        {"role": "user", "content": "What does an ML engineer do compared with a data scientist?"},
        {"role": "assistant", "content": shared_bot.ask("What does an ML engineer do?").text},
    ]
    answer = shared_bot.ask("and what about pay?", history=history)
    assert not answer.refused
    assert answer.citations[0].section == "How pay and demand differ"


def test_stream_yields_pieces_then_the_answer(shared_bot: CareerBot) -> None:
    pieces = list(shared_bot.stream("Which of the two roles pays better?"))
    *texts, final = pieces
    assert isinstance(final, Answer)
    assert len(texts) > 3 and all(isinstance(t, str) for t in texts)
    assert "".join(texts).strip() == final.text


def test_a_list_answers_whole_in_its_own_order(shared_bot: CareerBot) -> None:
    answer = shared_bot.ask("What types of companies recruit for AI roles in India?")
    for kind in ("Global capability centres", "IT services", "Product companies", "Banks"):
        assert kind in answer.text, answer.text  # all four kinds of employer, not one
    answer = shared_bot.ask("How valuable is the CNCF Kubernetes exam?")
    lines = answer.text.split("\n")
    (item,) = [line for line in lines if "hands-on Kubernetes certification" in line]
    assert "Valuable where teams run their own platform." in item  # the item comes whole
    ranked = [line for line in lines if line.startswith("- A ") or line.startswith("- Found")]
    machine_learning = next(i for i, line in enumerate(ranked) if "machine learning" in line)
    assert machine_learning < ranked.index(item)  # the ranking is not reordered


def test_list_items_are_scored_with_their_heading(shared_bot: CareerBot) -> None:
    # Alone, "Boilerplate, scaffolding and …" is close to nothing a reader asks; under its
    # heading ("Entry-level tasks most exposed to AI") it answers this.
    answer = shared_bot.ask("which parts of a junior job are ai tools taking over")
    assert "Boilerplate, scaffolding" in answer.text, answer.text
    lines = answer.text.split("\n")
    first = next(i for i, line in enumerate(lines) if "Boilerplate, scaffolding" in line)
    assert lines[first - 1].startswith("More exposed:"), answer.text  # with its lead-in
    # A list that answers as a whole still does.
    answer = shared_bot.ask("who is hiring ai engineers in india")
    assert all(kind in answer.text for kind in ("IT services", "Product companies", "Banks"))


def test_no_question_or_bare_opener_is_quoted(shared_bot: CareerBot) -> None:
    for question in [*QUESTIONS, "Do cloud certifications still pay off?"]:
        answer = shared_bot.ask(question)
        for sentence in re.findall(r"([^\n]+?) \[\d+\]", answer.text):
            assert not sentence.endswith("?"), (question, answer.text)
    # "Both pay well." alone says nothing: it comes with the sentence after it.
    answer = shared_bot.ask("Do data scientists or ML engineers earn more money?")
    assert re.search(r"Both pay well\. \[(\d+)\] The premium increasingly tilts", answer.text), (
        answer.text
    )
    # An introduction's opening line sets the scene and answers nothing asked of the roles.
    answer = shared_bot.ask("do ML engineers earn more than data scientists?")
    assert "nearly interchangeable" not in answer.text, answer.text
    assert "The premium increasingly tilts toward production ML" in answer.text, answer.text


def test_each_section_is_one_paragraph_led_by_the_best_one(shared_bot: CareerBot) -> None:
    for question in QUESTIONS:
        answer = shared_bot.ask(question)
        paragraphs = [set(re.findall(r"\[(\d+)\]", p)) for p in answer.text.split("\n\n")]
        seen: set[str] = set()
        for p in paragraphs:
            assert len(p) <= 1 and not p & seen, (question, answer.text)
            seen |= p


def test_a_follow_up_is_answered_from_its_conversation_s_article(shared_bot: CareerBot) -> None:
    history: list[dict[str, str]] = []
    answers = []
    for question in (
        "what does a google cloud ml certification exam cost?",
        "do those lapse after a while?",
        "who normally pays for it",
    ):
        answers.append(shared_bot.ask(question, history))
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answers[-1].text},
        ]
    _, lapse, pays = answers
    # The follow-up's own words pick the sentence: renewal, not the exam pages of the topic.
    assert lapse.text.startswith("Certifications also expire or need renewal"), lapse.text
    # Its topic picks the article: the certification guide's "Many employers pay for exams",
    # not the career comparison's "Both pay well." that the bare words "who pays" match.
    assert pays.text.startswith("Many employers pay for exams and training"), pays.text
    assert pays.citations[0].section == "Exam fees, renewals and study time"
    assert pays.question.startswith("who normally pays for it (about:")  # what it answered


def test_each_part_of_a_question_is_answered_as_its_own_question(shared_bot: CareerBot) -> None:
    # A part's best unit is scored against the part, not the whole question again: the
    # choice leads with the directive, the comparison with what the first role does.
    answer = shared_bot.ask("aws vs azure vs gcp, which should i get certified in")
    assert answer.text.startswith("Pick the cloud your target employers use"), answer.text
    answer = shared_bot.ask("ml engineer vs data scientist, whats the difference day to day")
    assert answer.text.startswith("An ML engineer turns models into"), answer.text
    # One question naming three things is not three questions: its list of steps leads.
    answer = shared_bot.ask(
        "In what order should I learn model serving, pipelines and evaluation to raise my pay?"
    )
    assert answer.text.startswith("Learn these in roughly this order:"), answer.text


def test_a_where_to_start_question_gets_its_ordered_list_from_the_first_item(
    shared_bot: CareerBot,
) -> None:
    # The items barely resemble the question ("Model serving: put a model behind an API…"),
    # yet the first one is its answer: the list announced as an order comes whole, in order.
    answer = shared_bot.ask("Which skills should I learn first to earn a higher AI salary?")
    lines = answer.text.split("\n")
    start = lines.index("Learn these in roughly this order:")
    items = [" ".join(line.split()[:3]) for line in lines[start + 1 : start + 6]]
    assert items == [
        "- Model serving:",
        "- Pipelines: automate",
        "- Evaluation: define",
        "- Monitoring and",
        "- One cloud's",
    ], answer.text


def test_a_clear_best_section_leads_the_answer(shared_bot: CareerBot) -> None:
    """Retrieval ranks "What moves an individual offer up or down" well ahead; a sentence of
    the runner-up ("The title also means different things…") matches the wording better, but
    must not lead: the levers the reader needs come first."""
    answer = shared_bot.ask("why do two ai engineer offers with the same title pay so differently?")
    assert answer.passages[0].section == "What moves an individual offer up or down"
    assert answer.passages[0].score - answer.passages[1].score > 0.04
    first = answer.citations[0]
    assert first.section == "What moves an individual offer up or down"
    assert answer.text.startswith("Within the same job title, pay varies widely. [1]")
    assert "Ownership" in answer.text.split("\n\n")[0]


def test_a_pointer_to_another_guide_never_leads(shared_bot: CareerBot) -> None:
    # The reader names "the india article" to quote it, which is no question about the article:
    # its pointer "For how to read salary data critically …, see our AI engineer salary guide."
    # led this answer while any mention of an article let hooks through.
    answer = shared_bot.ask(
        "the india article says freshers in ai roles make around 12 lpa — is that number just "
        "for bengaluru or everywhere?"
    )
    assert not answer.refused
    assert "see our" not in answer.text.split("[1]")[0], answer.text


def test_the_best_section_gives_its_second_point_too(shared_bot: CareerBot) -> None:
    # "How to evaluate AI job offers in India" leads with fixed and variable pay; a reader
    # judging an offer needs its next point as well, though it scores well below the lead.
    answer = shared_bot.ask(
        "got an offer from an insurer in mumbai for ML eng, 18 LPA CTC with ~20% variable. "
        "how should i judge if its a good deal?"
    )
    assert "separate fixed pay from variable pay" in answer.text
    assert "pay band of the level" in answer.text, answer.text


def test_an_introduction_does_not_lead_where_a_section_answers(shared_bot: CareerBot) -> None:
    # The comparison's introduction ("different daily work") ranks first for this question, but
    # "What each role actually does" is what answers it; the introduction may follow, not lead.
    answer = shared_bot.ask(
        "im a data analyst w/ 3 yrs sql + tableau, trying to decide ml engineer vs data "
        "scientist.. whats the actual diff day to day?"
    )
    assert answer.passages[0].section == "Introduction"  # retrieval's order is kept
    assert answer.citations[0].section == "What each role actually does", answer.text
    assert "frames questions, runs experiments" in answer.text


def test_only_an_introduction_stands_lower_and_only_when_asked_to(shared_bot: CareerBot) -> None:
    passages = shared_bot.retrieve("ml engineer vs data scientist, what's the diff day to day")
    sections = [p.section for p in passages]
    assert "Introduction" in sections
    assert section_standing(passages, demote=False) == [p.score for p in passages]
    lowered = section_standing(passages, demote=True)
    for p, standing in zip(passages, lowered, strict=True):
        cut = INTRO_DEMOTION if p.section == "Introduction" else 0.0
        assert standing == pytest.approx(p.score - cut)
