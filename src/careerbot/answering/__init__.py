"""Answering: question checks, follow-ups, answerability, the answerers and their citations."""
