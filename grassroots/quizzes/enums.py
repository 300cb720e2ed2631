"""Choices of the quizzes app: question types, difficulty, quiz settings, and the statuses of
quizzes, attempts, imports and contests with their allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionType(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")
    FILL_BLANK = "fill_blank", _("填空题")


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


class Difficulty(models.IntegerChoices):
    EASY = 1, _("易")
    MEDIUM = 2, _("中")
    HARD = 3, _("难")


class Audience(models.TextChoices):
    SUBTREE = "subtree", _("组织（含下级）全体人员")
    LIST = "list", _("指定人员")


class Selection(models.TextChoices):
    FIXED = "fixed", _("固定题目")
    RANDOM = "random", _("按难度随机抽题")


class GradingRule(models.TextChoices):
    HIGHEST = "highest", _("取最高分")
    LAST = "last", _("取最后一次")


class ReviewPolicy(models.TextChoices):
    AFTER_CLOSE = "after_close", _("测试结束后可查看答案与解析")
    AFTER_SUBMIT = "after_submit", _("交卷后即可查看答案与解析")


class QuizStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", pgettext_lazy("测试状态", "已撤销")


QUIZ_TRANSITIONS = {
    (QuizStatus.DRAFT, QuizStatus.PUBLISHED): "quizzes.manage_quiz",
    (QuizStatus.PUBLISHED, QuizStatus.CANCELLED): "quizzes.manage_quiz",
    (QuizStatus.DRAFT, QuizStatus.CANCELLED): "quizzes.manage_quiz",
}


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("作答中")
    SUBMITTED = "submitted", _("已交卷")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    IMPORTED = "imported", _("已导入")
    CANCELLED = "cancelled", _("已取消")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("进行中")
    ENDED = "ended", _("已结束")


CONTEST_TRANSITIONS = {
    (ContestStatus.DRAFT, ContestStatus.OPEN): "quizzes.host_contest",
    (ContestStatus.OPEN, ContestStatus.ENDED): "quizzes.host_contest",
}
