"""Questions that ask where to start, answered from a list that is itself an order.

"What should I learn first?" asks for the top of a priority: a section whose substance is a
list announced as an order ("Learn these in roughly this order:", "Our ranking, strongest
signal first:") answers it with its lead-in and its items from the first one on. Scored one by
one, the items barely resemble such a question ("Model serving: put a model behind an API…"
shares no words with "what should i learn first to get paid more"), and the first item, the
very answer, would be left out; so every item of such a list scores as its best one, raised by
:data:`ORDER_BONUS`, and the list is quoted whole in its own order
(:func:`careerbot.answering.quotes.render`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from careerbot.answering.sentences import Unit

ORDER_BONUS = 0.1
"""How much an ordered list's items are raised for a question asking where to start."""

_ASKS_ORDER = re.compile(
    r"\b(?:(?:learn|do|study|build|pick up|tackle|focus on|prioriti[sz]e)\s+(?:\w+\s+)?first|"
    r"first (?:steps?|things?)|where (?:do|should|can|would) (?:i|you|we) (?:start|begin)|"
    r"(?:start|begin) with|(?:in )?(?:what|which) order|prioriti[sz]e|priorities|"
    r"roadmap|learn next|(?:do|study|build) next)\b",
    re.IGNORECASE,
)
# A lead-in that presents its list as an order: "in roughly this order", "strongest signal
# first, …", "the steps:", "ranked by…", not one that only mentions a first thing ("a
# junior's first year:").
_ANNOUNCES_ORDER = re.compile(
    r"\border\b|\bfirst\s*[,:]|\bsteps?\b|\bpriorit\w*|\brank(?:ing|ed)\b", re.IGNORECASE
)


def asks_order(question: str) -> bool:
    """Whether a question asks what to do first, where to start, or in what order."""
    return _ASKS_ORDER.search(question) is not None


def announces_order(lead_in: str) -> bool:
    """Whether a list's lead-in presents the list as an order or a ranking."""
    return _ANNOUNCES_ORDER.search(lead_in) is not None


def ordered_lists(
    question: str,
    found: Sequence[tuple[int, Unit]],
    scores: Sequence[float],
    texts: Mapping[tuple[int, int], str],
) -> list[float]:
    """``scores`` with every item of an ordered list scored as its list's best item plus
    :data:`ORDER_BONUS`, when the question asks where to start; unchanged otherwise."""
    if not asks_order(question):
        return list(scores)
    best: dict[tuple[int, int], float] = {}
    for (rank, unit), score in zip(found, scores, strict=True):
        if unit.lead_in is not None and announces_order(texts[(rank, unit.lead_in)]):
            key = (rank, unit.lead_in)
            best[key] = max(best.get(key, score), score)
    out = []
    for (rank, unit), score in zip(found, scores, strict=True):
        raised = best.get((rank, unit.lead_in)) if unit.lead_in is not None else None
        out.append(score if raised is None else raised + ORDER_BONUS)
    return out
