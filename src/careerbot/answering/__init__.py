"""Answering: the answerer seam, the default extractive answerer, and question preparation."""

from careerbot.answering.base import Answerer, refusal
from careerbot.answering.extractive import ExtractiveAnswerer
from careerbot.answering.question import clean_question, follow_up_context
from careerbot.answering.citations.checker import CitationChecker

__all__ = [
    "Answerer",
    "CitationChecker",
    "ExtractiveAnswerer",
    "clean_question",
    "refusal",
    "follow_up_context",
]
