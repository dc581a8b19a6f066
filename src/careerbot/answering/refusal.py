"""Refusals a reader can act on: what is missing, what the articles cover, what to ask instead;
and, under an answer, what to ask next."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from careerbot.answering.answerability import Verdict
from careerbot.markup import inline_markdown
from careerbot.types import Answer, Passage

# A heading that already reads as a question: "Which role pays more", "Is a degree enough".
# An indirect one ("How pay and demand differ", "Where the premium comes from") is not: it
# becomes "What do the articles say about how pay and demand differ?".
_QUESTION = re.compile(
    r"^(?:(?:what|why|how|when|where|who|which)\s+(?:is|are|do|does|should|can)\b|"
    r"(?:which|what)\s+\w+\s+pays?\b|(?:is|are|do|does|can|should)\b)",
    re.IGNORECASE,
)
# "How to judge salary surveys" asks "How do I judge salary surveys?".
_HOW_TO = re.compile(r"^how to\s+", re.IGNORECASE)
ABOUT = "What do the articles say about "
"""How a suggestion made from a heading that is not a question starts."""
SUGGESTIONS = 3
FOLLOW_UPS = 3


def suggestions(passages: Sequence[Passage], n: int = SUGGESTIONS) -> tuple[str, ...]:
    """Questions the articles can answer, from the sections nearest the refused question."""
    out: list[str] = []
    for p in passages:
        heading = p.section.split(" › ")[-1].strip()
        if (
            not heading
            or heading.lower() in ("introduction", "sources")
            or heading.startswith("Continue")
        ):
            continue
        if _HOW_TO.match(heading):
            question = _HOW_TO.sub("How do I ", heading).rstrip(".?") + "?"
        elif _QUESTION.match(heading):
            question = heading.rstrip(".?") + "?"
        else:
            lead = heading[0].lower() if heading[1:2].islower() else heading[0]
            question = f"{ABOUT}{lead}{heading[1:]}?"
        if question not in out:
            out.append(question)
        if len(out) == n:
            break
    return tuple(out)


def follow_ups(answer: Answer, n: int = FOLLOW_UPS) -> Answer:
    """``answer`` with questions to ask next in ``suggestions``: from the sections retrieved
    beside the ones it cites (their neighbours in meaning; the cited ones it has answered).
    A refusal keeps its own suggestions."""
    if answer.refused or answer.suggestions:
        return answer
    cited = {c.url for c in answer.citations}
    answered = {c.section.lower() for c in answer.citations}  # the same heading elsewhere too
    rest = [p for p in answer.passages if p.url not in cited and p.section.lower() not in answered]
    asked = answer.question.lower().rstrip("?")
    return replace(
        answer, suggestions=tuple(q for q in suggestions(rest, n) if q.lower().rstrip("?") != asked)
    )


def refusal(
    question: str,
    titles: Sequence[str],
    *,
    backend: str,
    verdict: Verdict | None = None,
    passages: Sequence[Passage] = (),
) -> Answer:
    """A short, polite refusal: why, what the articles do cover, and questions to try."""
    verdict = verdict or Verdict(False, "low_similarity")
    if verdict.reason == "injection":
        why = (
            "That reads as an instruction to change how I work, not a question; my rules stay "
            "as they are, and I can only answer from our articles."
        )
    elif verdict.reason == "task":
        why = (
            f"I can't {inline_markdown(verdict.missing)} for you: I answer questions from "
            "our articles, citing them."
        )
    elif verdict.reason == "no_figure":
        why = (
            f"The sections nearest your question don't give {inline_markdown(verdict.missing)}, "
            "and I can only answer from our articles."
        )
    elif verdict.missing:
        why = (
            f"Our articles don't cover {inline_markdown(verdict.missing)}, and I can only "
            "answer from our articles."
        )
    else:
        why = "Sorry — I can only answer from our articles, and they don't cover that."
    # Titles, headings and the reader's words are text in the Markdown, never markup.
    covered = "; ".join(f"“{inline_markdown(t)}”" for t in titles) or "our career articles"
    asks = suggestions(passages) if verdict.reason != "injection" else ()
    text = f"{why} They cover: {covered}."
    if asks:
        text += " You could ask:\n" + "\n".join(f"- {inline_markdown(q)}" for q in asks)
    return Answer(
        text=text,
        citations=(),
        refused=True,
        backend=backend,
        query=question,
        question=question,
        passages=tuple(passages),
        suggestions=asks,
    )
