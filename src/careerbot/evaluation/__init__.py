"""Evaluation: gold sets, reader sets (conversations, out-of-scope, false premises), metrics."""
