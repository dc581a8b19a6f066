"""Content gaps: what readers asked that no article covers, grouped by meaning.

A gap question is one the bot refused, or answered from a section whose similarity stayed
below ``confident_relevance`` (the bot's own "not sure" line). Their texts are embedded with the
bot's model and clustered with scikit-learn's agglomerative clustering, average linkage on
cosine distance, stopped at :data:`GAP_DISTANCE`:

- no number of clusters to choose beforehand (nobody knows how many gaps there are);
- average linkage merges two groups only when their questions are close *on average*, so one
  question that touches two topics cannot chain them together (single linkage does), and a
  typo that the model reads badly still joins its topic (complete linkage splits it off);
- cosine distance is what the model's unit vectors are made for.

Measured with all-MiniLM-L6-v2 on the tests' planted gaps (twenty nursing-pay questions with
typos and jargon, eight visa questions, seven one-offs): average linkage keeps the twenty in
one cluster from 0.7 up (at 0.65 the typo "how much do nurces get paid" splits off), with
nothing else in it; visas stay apart (6 + 1 + 1 at 0.7). Complete linkage splits the nursing
questions up to 0.8; single linkage chains the visas into them from 0.75. With every gold
question added as a gap too (the worst case: 94 questions on the articles' topics and other
jobs' pay), eight pay questions join the nursing cluster at 0.7 and 0.75, sixteen at 0.8, and
at 0.85 it is one cluster of 101: 0.7 is the most specific threshold that holds the typos.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from careerbot.feedback.log import LoggedAnswer

if TYPE_CHECKING:
    import numpy as np

    from careerbot.embedding.embedder import Embedder

GAP_DISTANCE = 0.7
"""Average cosine distance at which clusters stop merging (see the module's notes)."""
MAX_GAP_QUESTIONS = 2000
"""Distinct gap questions clustered at most (the newest): time and memory grow with the square
(2,000 random vectors took 1.9 s here, 4,000 took 6.5 s)."""
EXAMPLES = 5
"""Example questions kept per cluster, the most typical first."""


@dataclass(frozen=True)
class GapCluster:
    """Questions of one meaning that the articles did not answer well."""

    count: int
    """Questions asked (repeats counted)."""
    refused: int
    """How many of them were refused (the rest got a low-similarity answer)."""
    questions: tuple[str, ...]
    """Its distinct questions as readers typed them, the closest to the cluster's centre
    (the most typical) first."""
    closest_section: str | None
    """The section retrieval found most often for them (``Title › Section``), if any."""

    @property
    def examples(self) -> tuple[str, ...]:
        """The :data:`EXAMPLES` most typical questions."""
        return self.questions[:EXAMPLES]


def is_gap(answer: LoggedAnswer, confident_relevance: float) -> bool:
    """Whether ``answer`` was refused or matched no section confidently."""
    return (
        answer.refused
        or answer.top_similarity is None
        or answer.top_similarity < confident_relevance
    )


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def content_gaps(
    answers: Sequence[LoggedAnswer],
    embedder: Embedder,
    *,
    confident_relevance: float,
    distance: float = GAP_DISTANCE,
) -> tuple[GapCluster, ...]:
    """The gap questions among ``answers`` clustered by meaning, biggest cluster first."""
    import numpy as np  # noqa: F811 - at run time (numpy loads with the model anyway)

    gaps = [a for a in answers if is_gap(a, confident_relevance)]
    groups: dict[str, list[LoggedAnswer]] = {}
    for a in gaps:  # the same question asked again is embedded once and counted each time
        groups.setdefault(_key(a.understood or a.question), []).append(a)
    keys = list(groups)[-MAX_GAP_QUESTIONS:]
    if not keys:
        return ()
    vectors = embedder.encode([groups[k][0].understood or groups[k][0].question for k in keys])
    labels = _cluster(vectors, distance)
    clusters = []
    for label in sorted(set(labels.tolist())):
        members = [i for i, lab in enumerate(labels) if lab == label]
        centre = vectors[members].mean(axis=0)
        typical = sorted(members, key=lambda i: -float(np.dot(vectors[i], centre)))
        asked = [a for i in members for a in groups[keys[i]]]
        sections = Counter(a.top_section for a in asked if a.top_section)
        questions = dict.fromkeys(groups[keys[i]][0].question for i in typical)
        clusters.append(
            GapCluster(
                count=len(asked),
                refused=sum(a.refused for a in asked),
                questions=tuple(questions),
                closest_section=sections.most_common(1)[0][0] if sections else None,
            )
        )
    return tuple(sorted(clusters, key=lambda c: (-c.count, -c.refused, c.questions)))


def _cluster(vectors: np.ndarray, distance: float) -> np.ndarray:
    """Cluster labels of ``vectors`` (one cluster for a single question)."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    )
    return np.asarray(model.fit_predict(vectors))
