"""careerbot's parts as LangChain objects, for chains and notebooks that speak LangChain.

>>> docs = bot.retriever.invoke("Which role pays more?")   # Documents with the Passage fields
>>> vectors = EmbedderEmbeddings(bot.embedder).embed_documents(["..."])

Kept in one module apart from the parts themselves: LangChain's runnables and tracers take about
a second to import, and serving does not need them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever

from careerbot.embedding.embedder import Embedder
from careerbot.types import Passage


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
