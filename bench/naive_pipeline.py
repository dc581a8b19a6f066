"""The naive LangChain pipeline careerbot is measured against (needs the ``bench`` extra).

``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` over the raw Markdown,
``HuggingFaceEmbeddings`` (the same bundled all-MiniLM-L6-v2, torch, CPU) and
``Chroma.from_documents`` with langchain-chroma's defaults (Chroma's default collection
configuration: l2 space, ef_search 100, ef_construction 100, max_neighbors 16).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MISSING = "naive: langchain-chroma/langchain-huggingface not installed (pip install -e '.[bench]')"


def available() -> bool:
    """Whether the bench extra (langchain-chroma, -huggingface, -text-splitters) is installed."""
    return all(
        importlib.util.find_spec(m) is not None
        for m in ("langchain_chroma", "langchain_huggingface", "langchain_text_splitters")
    )


def load_embeddings() -> Any:
    """The tutorial's ``HuggingFaceEmbeddings`` on the bundled model (torch, CPU)."""
    from langchain_huggingface import HuggingFaceEmbeddings

    from careerbot.embedding.embedder import bundled_model_path

    return HuggingFaceEmbeddings(
        model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"}
    )


def ingest(corpus: Path, embeddings: Any, where: Path) -> tuple[Any, int]:
    """The tutorial pipeline into an empty folder: (the store, its number of chunks)."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = [
        Document(page_content=p.read_text(), metadata={"source": str(p)})
        for p in sorted(corpus.glob("*.md"))
    ]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents(docs)
    return Chroma.from_documents(chunks, embeddings, persist_directory=str(where)), len(chunks)


def open_store(embeddings: Any, where: Path, name: str = "langchain") -> Any:
    """A langchain-chroma store in ``where`` (created empty if missing), default settings."""
    from langchain_chroma import Chroma

    return Chroma(collection_name=name, embedding_function=embeddings, persist_directory=str(where))


def add_vectors(
    store: Any, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]], vectors: Any
) -> None:
    """What ``Chroma.add_texts`` does after embedding: an upsert into its collection, here with
    vectors embedded once beforehand (the same vectors careerbot's store gets)."""
    for start in range(0, len(ids), 5000):
        part = slice(start, start + 5000)
        store._collection.upsert(
            ids=ids[part],
            documents=texts[part],
            metadatas=metadatas[part],
            embeddings=vectors[part],
        )
