"""Models of the quizzes app: the question bank, timed quizzes, and live contests."""

from .bank import Question, QuestionImport, Tag
from .contests import Contest, ContestAnswer, ContestPlayer, ContestQuestion
from .quizzes import Attempt, AttemptItem, Quiz, QuizInvitee, QuizQuestion, QuizResult

__all__ = [
    "Attempt",
    "AttemptItem",
    "Contest",
    "ContestAnswer",
    "ContestPlayer",
    "ContestQuestion",
    "Question",
    "QuestionImport",
    "Quiz",
    "QuizInvitee",
    "QuizQuestion",
    "QuizResult",
    "Tag",
]
