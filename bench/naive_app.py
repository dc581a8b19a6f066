"""The naive pipeline as a process that answers retrieval questions, for the cold-start figure.

``python bench/naive_app.py STORE_DIR``: loads ``HuggingFaceEmbeddings``, opens the
langchain-chroma store in STORE_DIR, prints ``opened``; answers its first question (the
``similarity_search`` loads the HNSW index) and prints ``answered``; then one line per
question read from stdin, ``ok`` after each, until stdin closes. No web server: this is the
least a naive process does before it can answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import naive_pipeline  # noqa: E402


def main() -> None:
    store = naive_pipeline.open_store(naive_pipeline.load_embeddings(), Path(sys.argv[1]))
    print("opened", flush=True)
    store.similarity_search("What does a data scientist do?", k=5)
    print("answered", flush=True)
    for line in sys.stdin:
        store.similarity_search(line.strip(), k=5)
        print("ok", flush=True)


if __name__ == "__main__":
    main()
