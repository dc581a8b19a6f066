from __future__ import annotations

from careerbot.answering.ordered import announces_order, asks_order, ordered_lists
from careerbot.answering.sentences import units


def test_questions_asking_where_to_start() -> None:
    for question in (
        "what do i learn first to get a raise",
        "Where should I start with cloud certifications?",
        "in which order should I take the exams",
        "what's a good roadmap into ML engineering",
    ):
        assert asks_order(question), question
    for question in (
        "is 2026 a bad year to be starting out as a dev",  # a career start, not an order
        "what was my first job worth",
        "which certification pays best",
    ):
        assert not asks_order(question), question


def test_lead_ins_announcing_an_order() -> None:
    assert announces_order("Learn these in roughly this order:")
    assert announces_order("Our ranking, strongest signal first, for developers:")
    assert not announces_order("AI assistants now handle the work of a junior's first year:")
    assert not announces_order("Four kinds of employer account for most openings:")


def test_an_ordered_list_scores_as_its_best_item_for_an_order_question() -> None:
    text = "Learn these in this order:\n- Serving.\n- Pipelines.\n- Evaluation.\nThen ship."
    sentences, found_units = units(text)
    found = [(0, u) for u in found_units]
    texts = {(0, i): s for i, s in enumerate(sentences)}
    scores = [0.2, 0.5, 0.3, 0.4]
    raised = ordered_lists("what should i learn first?", found, scores, texts)
    assert raised[:3] == [raised[0]] * 3 and raised[0] > 0.5  # the list, from its first item
    assert raised[3] == 0.4  # the prose after it is untouched
    assert ordered_lists("what is serving?", found, scores, texts) == scores
