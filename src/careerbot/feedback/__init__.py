"""What readers asked and what they thought of the answers: the question log and feedback
(:mod:`.log`), kept in the shared database for editors' reports."""

from careerbot.feedback.log import AnswerLog, LoggedAnswer, Rating

__all__ = ["AnswerLog", "LoggedAnswer", "Rating"]
