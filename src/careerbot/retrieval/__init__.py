"""Retrieval: hybrid section search (cosine + BM25 keyword bonus) over the stored chunks."""
