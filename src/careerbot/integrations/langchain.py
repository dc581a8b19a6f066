"""careerbot's parts as LangChain objects, for chains and notebooks that speak LangChain.

>>> docs = bot.retriever.invoke("Which role pays more?")   # Documents with the Passage fields
>>> docs = bot.retriever.invoke("Which role pays more?", k=3, filter={"article": slug})
>>> docs = await bot.retriever.ainvoke("Which role pays more?", k=1)
>>> vectors = EmbedderEmbeddings(bot.embedder).embed_documents(["..."])

Kept in one module apart from the parts themselves: LangChain's runnables and tracers take about
a second to import, and serving does not need them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor

from careerbot.embedding.embedder import Embedder
from careerbot.types import Passage

# The metadata filters a call may pass (``filter={...}``), as CareerBot.retrieve names them.
FILTER_KEYS = ("article", "updated_after")


class SectionRetriever(BaseRetriever):
    """A LangChain retriever over careerbot's index: Documents carry the Passage fields.

    ``k`` and ``filter`` (``{"article": slug, "updated_after": "2026-01-01"}``) can be given
    per call, as LangChain's retrievers take them; both are pushed down to the search.
    """

    search: Callable[..., list[Passage]]
    """Called as ``search(query, k, article=..., updated_after=...)``: ``CareerBot.retrieve``."""
    k: int = 5
    filter: dict[str, Any] | None = None
    """Filter applied to every call unless the call passes its own."""

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filter: Mapping[str, Any] | None = None,
    ) -> list[Document]:
        return self._documents(query, k, filter)

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        filter: Mapping[str, Any] | None = None,
    ) -> list[Document]:
        # The search is CPU-bound (embedding, Chroma): a worker thread keeps the loop free.
        return await run_in_executor(None, self._documents, query, k, filter)

    def _documents(
        self, query: str, k: int | None, filter: Mapping[str, Any] | None
    ) -> list[Document]:
        where = dict(self.filter or {}) if filter is None else dict(filter)
        unknown = sorted(set(where) - set(FILTER_KEYS))
        if unknown:
            raise ValueError(f"Unknown filter key(s) {unknown}; known: {list(FILTER_KEYS)}")
        found = self.search(query, k or self.k, **where)
        return [passage_document(p) for p in found]


def passage_document(passage: Passage) -> Document:
    """A Passage as a LangChain Document (text as page_content, the rest as metadata)."""
    meta: dict[str, Any] = passage.to_dict()
    text = meta.pop("text")
    return Document(page_content=text, metadata=meta, id=passage.chunk_id or None)


class EmbedderEmbeddings(Embeddings):
    """An :class:`~careerbot.embedding.embedder.Embedder` as LangChain ``Embeddings`` (same
    model, same unit vectors), for LangChain vector stores and chains."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents."""
        return self.embedder.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self.embedder.encode([text])[0].tolist()
