"""Knowledge contests (知识竞赛) in a room: the host shows one question at a time on the big
screen, players answer on their phones against the server's countdown, faster earns more."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import ContestStatus, QuestionType
from .bank import Question


class Contest(TimeStampedModel):
    """知识竞赛: a live contest with a join code shown on the screen while it is open."""

    scope_path_lookup = "organization__path"

    title = models.CharField(_("标题"), max_length=120)
    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="contests", verbose_name=_("主办组织")
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("主持人")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ContestStatus, default=ContestStatus.DRAFT
    )
    join_code = models.CharField(_("加入码"), max_length=6, blank=True)
    seconds_per_question = models.PositiveSmallIntegerField(_("每题限时（秒）"), default=20)
    max_points = models.PositiveSmallIntegerField(_("每题最高分"), default=1000)
    current_position = models.PositiveIntegerField(_("当前题序"), default=0)
    opened_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("知识竞赛")
        verbose_name_plural = _("知识竞赛")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["join_code"],
                condition=Q(status=ContestStatus.OPEN),
                name="contest_code_unique_open",
            ),
            models.CheckConstraint(
                condition=Q(seconds_per_question__gte=5, seconds_per_question__lte=600),
                name="contest_seconds_5_600",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path


class ContestQuestion(models.Model):
    """A question of a contest, copied from the bank; open from `opened_at` to `closes_at`."""

    contest = models.ForeignKey(
        Contest, models.CASCADE, related_name="questions", verbose_name=_("竞赛")
    )
    position = models.PositiveIntegerField(_("题序"))
    question = models.ForeignKey(
        Question, models.PROTECT, related_name="contest_uses", verbose_name=_("题目")
    )
    qtype = models.CharField(_("题型"), max_length=16, choices=QuestionType)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("正确答案"), default=list)
    explanation = models.TextField(_("解析"), blank=True)
    opened_at = models.DateTimeField(_("出题时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("作答截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("竞赛题目")
        verbose_name_plural = _("竞赛题目")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "position"], name="contestquestion_pos"),
            models.UniqueConstraint(fields=["contest", "question"], name="contestquestion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contest} #{self.position}"


class ContestPlayer(models.Model):
    """选手: a logged-in user who joined a contest, with the running score."""

    contest = models.ForeignKey(
        Contest, models.CASCADE, related_name="players", verbose_name=_("竞赛")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("账号")
    )
    name = models.CharField(_("姓名"), max_length=60)
    organization = models.ForeignKey(
        "orgs.Organization",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所在组织"),
    )
    score = models.PositiveIntegerField(_("得分"), default=0)
    correct_count = models.PositiveIntegerField(_("答对题数"), default=0)
    total_ms = models.PositiveBigIntegerField(_("答对用时（毫秒）"), default=0)
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("竞赛选手")
        verbose_name_plural = _("竞赛选手")
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="contestplayer_once"),
        ]
        indexes = [
            models.Index(
                fields=["contest", "-score", "total_ms", "id"], name="contestplayer_board"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContestAnswer(models.Model):
    """One player's answer to one contest question: once, within the countdown."""

    question = models.ForeignKey(
        ContestQuestion, models.CASCADE, related_name="answers", verbose_name=_("题目")
    )
    player = models.ForeignKey(
        ContestPlayer, models.CASCADE, related_name="answers", verbose_name=_("选手")
    )
    response = models.JSONField(_("作答"))
    is_correct = models.BooleanField(_("正确"))
    points = models.PositiveIntegerField(_("得分"))
    elapsed_ms = models.PositiveIntegerField(_("用时（毫秒）"))
    answered_at = models.DateTimeField(_("作答时间"))

    class Meta:
        verbose_name = _("竞赛作答")
        verbose_name_plural = _("竞赛作答")
        constraints = [
            models.UniqueConstraint(fields=["question", "player"], name="contestanswer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.player} #{self.question.position}"
