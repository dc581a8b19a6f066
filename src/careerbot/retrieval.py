"""Retrieval: a question in, the most similar sections out, as :class:`Passage` objects.

Also the LangChain face of the same search (:class:`SectionRetriever`), for chains and notebooks
that speak LangChain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from careerbot.embeddings import Embedder
from careerbot.index import ChunkStore, Hit
from careerbot.settings import Settings
from careerbot.types import Passage

# Chunks fetched per section wanted: parts of one long section can crowd the top.
OVERFETCH = 3
# How much a follow-up's earlier question pulls the search ("and what about pay?" after
# "ML engineer or data scientist?"). Mixing vectors beat pasting the texts together: the
# pasted context drowned the short follow-up.
CONTEXT_WEIGHT = 0.5


def section_url(
    settings: Settings, *, slug: str, anchor: str, canonical_url: str, local: bool = True
) -> str:
    """Where a citation link points: the app's article page, or the canonical article.

    Pages that came from the web (``local=False``) have no page in the app: they link home.
    """
    fragment = f"#{anchor}" if anchor else ""
    if (settings.link_mode == "canonical" or not local) and canonical_url:
        return f"{canonical_url}{fragment}"
    return f"{settings.app_url.rstrip('/')}/articles/{slug}{fragment}"


class DenseRetriever:
    """Cosine search over the chunk store, best chunk per section."""

    def __init__(self, settings: Settings, store: ChunkStore, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder

    def search(self, query: str, k: int, *, context: str | None = None) -> list[Passage]:
        """The ``k`` sections most similar to ``query``, best first.

        ``context`` (an earlier question a follow-up leans on) pulls the search towards it.
        """
        if context:
            q_vec, c_vec = self.embedder.encode([query, context])
            vector = q_vec + CONTEXT_WEIGHT * c_vec
            vector = vector / float(np.linalg.norm(vector))
        else:
            vector = self.embedder.encode([query])[0]
        best: dict[tuple[str, str], Hit] = {}
        for hit in self.store.query(vector, k * OVERFETCH):
            key = (str(hit.metadata.get("slug")), str(hit.metadata.get("anchor")))
            if key not in best or hit.score > best[key].score:
                best[key] = hit
        ranked = sorted(best.values(), key=lambda h: h.score, reverse=True)[:k]
        return [self._passage(h) for h in ranked]

    def _passage(self, hit: Hit) -> Passage:
        m = hit.metadata
        return Passage(
            text=hit.text[int(m.get("text_start", 0)) :],
            title=str(m.get("title", "")),
            section=str(m.get("section", "")),
            url=section_url(
                self.settings,
                slug=str(m.get("slug", "")),
                anchor=str(m.get("anchor", "")),
                canonical_url=str(m.get("canonical_url", "")),
                local=m.get("origin", "file") == "file",
            ),
            score=round(hit.score, 6),
            slug=str(m.get("slug", "")),
            anchor=str(m.get("anchor", "")),
            updated=str(m.get("updated", "")),
            chunk_id=hit.id,
        )


class SectionRetriever(BaseRetriever):
    """A LangChain retriever over careerbot's index: Documents carry the Passage fields."""

    search: Callable[[str, int], list[Passage]]
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [passage_document(p) for p in self.search(query, self.k)]


def passage_document(passage: Passage) -> Document:
    """A Passage as a LangChain Document (text as page_content, the rest as metadata)."""
    meta: dict[str, Any] = passage.to_dict()
    text = meta.pop("text")
    return Document(page_content=text, metadata=meta, id=passage.chunk_id or None)
