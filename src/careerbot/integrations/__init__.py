"""LangChain faces of careerbot: a ``BaseRetriever`` and an ``Embeddings`` adapter."""
