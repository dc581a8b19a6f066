"""Retrieval: a question in, the best-matching sections out, as :class:`Passage` objects.

The LangChain face of the same search is :class:`careerbot.integrations.langchain.SectionRetriever`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexCorruptError
from careerbot.retrieval.headings import HEADING_DISCOUNT, HeadingVectors
from careerbot.retrieval.lexical import LexicalIndex
from careerbot.retrieval.shorthand import expand_shorthand
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore, Hit
from careerbot.store.connection import FRESH_VIEW_PAUSES, ingest_rewriting_error, stale_view
from careerbot.store.schema import section_key, to_passage
from careerbot.store.writer_lock import ingest_running
from careerbot.types import Passage

# Chunks fetched per section wanted: parts of one long section can crowd the top.
OVERFETCH = 3
# How much a follow-up's earlier question pulls the search ("and what about pay?" after
# "ML engineer or data scientist?"). Mixing vectors beat pasting the texts together: the
# pasted context drowned the short follow-up.
CONTEXT_WEIGHT = 0.5
# A follow-up mostly stays in the article the conversation is about (98% of the dev sets'
# follow-ups): a section loses this much per unit of cosine by which its article's title is
# further from the conversation than the closest title ("what will the interviews focus on?"
# after a question on certifications found the junior guide's data sections). Dev: 0.2 best of
# 0.1-1.0; at 0.5 and more, follow-ups that move to another section lost it.
TOPIC_WEIGHT = 0.2


class Retriever:
    """Section search: dense (cosine in Chroma), BM25 keywords, or both mixed (``hybrid``).

    With ``settings.heading_match``, a chunk's cosine is the better of its own and its section
    heading's, less :data:`~careerbot.retrieval.headings.HEADING_DISCOUNT`
    (:mod:`careerbot.retrieval.headings`; not in ``bm25`` mode). Hybrid ranking adds to it a
    keyword bonus,
    ``weight × confidence × bm25 / best_bm25``, where ``confidence = 1 - second/best`` of the
    BM25 scores: keywords count when one chunk clearly matches them (a rare term, a name) and
    hardly at all when many chunks match equally (words every article shares). Chunks found by
    either side are scored by both. Each section is represented by its best chunk, and MMR
    (``settings.mmr_lambda`` < 1) can trade some relevance for sections that say different things.
    """

    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        embedder: Embedder,
        lexical: LexicalIndex | None = None,
        *,
        absolute_links: bool = False,
    ) -> None:
        self.settings = settings
        self.absolute_links = absolute_links
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self.headings = HeadingVectors(store, embedder)
        if settings.retrieval_mode != "dense" and lexical is None:
            raise ValueError(f"retrieval_mode={settings.retrieval_mode!r} needs a LexicalIndex")

    def search(
        self,
        query: str,
        k: int,
        *,
        context: str | None = None,
        where: dict[str, Any] | None = None,
    ) -> list[Passage]:
        """The ``k`` sections that best match ``query``, best first.

        ``context`` (an earlier question a follow-up leans on) pulls the dense search towards it.
        ``where`` (a Chroma filter, :func:`careerbot.store.schema.where_filter`) keeps only the
        chunks it matches, on both the dense and the keyword side. Readers' shorthand ("cert",
        "jr dev") is spelled out first (:mod:`careerbot.retrieval.shorthand`).
        """
        query = expand_shorthand(query)
        if not context:
            return self.search_vector(query, self.embedder.encode([query])[0], k, where=where)
        q_vec, c_vec = self.embedder.encode([query, expand_shorthand(context)])
        vector = q_vec + CONTEXT_WEIGHT * c_vec
        vector = vector / float(np.linalg.norm(vector))
        found = self.search_vector(query, vector, 2 * k, where=where)
        return self._on_topic(found, c_vec)[:k]

    def search_many(
        self, queries: Sequence[str], k: int, *, where: dict[str, Any] | None = None
    ) -> list[list[Passage]]:
        """:meth:`search` for each of ``queries``, embedded in one batch."""
        if not queries:
            return []
        queries = [expand_shorthand(q) for q in queries]
        vectors = self.embedder.encode(list(queries))
        return [
            self.search_vector(q, v, k, where=where) for q, v in zip(queries, vectors, strict=True)
        ]

    def search_vector(
        self, query: str, vector: np.ndarray, k: int, *, where: dict[str, Any] | None = None
    ) -> list[Passage]:
        """:meth:`search` with the query already embedded as ``vector`` (taken as it is: no
        shorthand is spelled out here)."""
        try:
            found, wanted = self._search_once(query, vector, k, where)
        except IndexCorruptError as exc:
            if not stale_view(exc):
                raise
            # This process's view of a collection another process rewrote (a repair made it
            # anew; a killed writer left a log this view cannot apply): again, on fresh views;
            # while an ingest runs, it is that ingest's to settle.
            for pause in FRESH_VIEW_PAUSES:
                time.sleep(pause)
                with self.store.handle.reopened_if_idle(min_interval=0) as fresh:
                    if not fresh:
                        break
                    try:
                        return self._search_once(query, vector, k, where)[0]
                    except IndexCorruptError as again:
                        if not stale_view(again):
                            raise
                        exc = again
            if ingest_running(self.settings.data_dir):
                raise ingest_rewriting_error(self.store.location) from exc
            raise exc
        if len(found) < wanted:
            # The winners are gone from under this process's open index: another process
            # deleted them and stamped nothing (an ingest killed while finishing). Once more,
            # on a fresh view of the database.
            with self.store.handle.reopened_if_idle() as fresh:
                if fresh:
                    found, _ = self._search_once(query, vector, k, where)
        return found

    def _search_once(
        self, query: str, vector: np.ndarray, k: int, where: dict[str, Any] | None
    ) -> tuple[list[Passage], int]:
        """The passages found, and how many winners the search had before their contents
        were read (more than the passages when chunks were deleted under it)."""
        mode = self.settings.retrieval_mode
        want = k * OVERFETCH
        # Candidates are ranked on ids, scores and vectors; only the k winners' text and
        # metadata are read (reading them for every candidate doubled Chroma's time at 100k).
        hits: dict[str, Hit] = {}
        if mode != "bm25":
            with_vectors = self.settings.mmr_lambda < 1.0  # only MMR reads them
            found = self.store.query(
                vector, want, with_vectors=with_vectors, contents=False, where=where
            )
            hits = {h.id: h for h in found}
        else:
            self.store.query(vector, 1, contents=False)  # same checks (missing index) in every mode
        bonus: dict[str, float] = {}
        if mode != "dense":
            assert self.lexical is not None
            lex = self.lexical.scores(query)
            # The keyword side keeps to the filter too: only chunks it lets through compete.
            among = self.store.ids(where) if where else None
            extra = [i for i, _ in lex.top(want, among) if i not in hits]
            try:
                found = self.store.hits(extra, vector, where)
            except IndexCorruptError:
                # Chunks another process is writing: in SQLite (so in a rebuilt keyword
                # index) before this process's open vector index has them. Dense hits only.
                found = []
            if where is None and len(found) < len(extra):
                self.lexical.out_of_step()  # it points at deleted chunks: rebuild it
            hits.update((h.id, h) for h in found)
            norm = lex.normalised(hits)
            weight = 1.0 if mode == "bm25" else self.settings.hybrid_weight * lex.confidence
            bonus = {i: weight * norm.get(i, 0.0) for i in hits}
        dense = {i: h.score for i, h in hits.items()}
        if mode == "bm25":
            dense = dict.fromkeys(hits, 0.0)
        elif self.settings.heading_match:
            heads = self.headings.similarities(list(hits.values()), vector)
            dense = {i: max(s, heads.get(i, s) - HEADING_DISCOUNT) for i, s in dense.items()}
        scored = [(h, bonus.get(h.id, 0.0) + dense[h.id]) for h in hits.values()]
        best: dict[str, tuple[Hit, float]] = {}
        for hit, score in scored:
            key = section_key(hit.id)
            if key not in best or score > best[key][1]:
                best[key] = (hit, score)
        ranked = sorted(best.values(), key=lambda hs: hs[1], reverse=True)
        if self.settings.mmr_lambda < 1.0 and mode != "bm25":
            ranked = mmr(ranked, k, self.settings.mmr_lambda)
        scores = {h.id: s for h, s in ranked[:k]}
        winners = self.store.with_contents([h for h, _ in ranked[:k]])
        return [self._passage(h, scores[h.id]) for h in winners], len(scores)

    def _on_topic(self, passages: list[Passage], context: np.ndarray) -> list[Passage]:
        """``passages`` re-ranked for a follow-up: each one's score less
        :data:`TOPIC_WEIGHT` × how much further its article's title is from the conversation
        (``context``, a unit vector) than the closest title is."""
        titles = list(dict.fromkeys(p.title for p in passages))
        if len(titles) < 2:
            return passages
        gap = self.headings.vectors.shortfalls(context, titles)
        moved = [replace(p, score=p.score - TOPIC_WEIGHT * gap[p.title]) for p in passages]
        return sorted(moved, key=lambda p: p.score, reverse=True)

    def _passage(self, hit: Hit, score: float) -> Passage:
        return to_passage(
            self.settings,
            id=hit.id,
            text=hit.text,
            metadata=hit.metadata,
            score=score,
            similarity=hit.score,
            absolute=self.absolute_links,
        )


def mmr(ranked: list[tuple[Hit, float]], k: int, lam: float) -> list[tuple[Hit, float]]:
    """Maximal marginal relevance: greedily pick ``k`` of ``ranked`` (best first), each
    maximising ``lam × score - (1 - lam) × (highest cosine to an already picked one)``.

    Hits without a vector keep their place after those with one.
    """
    pool = [(h, s) for h, s in ranked if h.vector is not None]
    rest = [(h, s) for h, s in ranked if h.vector is None]
    picked: list[tuple[Hit, float]] = []
    while pool and len(picked) < k:

        def gain(item: tuple[Hit, float]) -> float:
            if not picked:
                return item[1]
            redundancy = max(float(item[0].vector @ p[0].vector) for p in picked)  # type: ignore[operator]
            return lam * item[1] - (1 - lam) * redundancy

        choice = max(pool, key=gain)
        picked.append(choice)
        pool.remove(choice)
    return picked + pool + rest
