"""Verified citations: the ``[n]`` marker grammar, shared sentence vectors, the checker."""
