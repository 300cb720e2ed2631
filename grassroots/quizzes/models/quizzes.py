"""Timed quizzes (知识测试): the quiz, who takes it, its questions, each attempt with the
questions it drew and the answers given, and the precomputed result per person."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import (
    AttemptStatus,
    Audience,
    GradingRule,
    QuestionType,
    QuizStatus,
    ReviewPolicy,
    Selection,
)
from .bank import Question, Tag


class Quiz(TimeStampedModel):
    """知识测试: a set of questions taken online by the expected people within a window."""

    scope_path_lookup = "organization__path"

    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="quizzes", verbose_name=_("主办组织")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=QuizStatus, default=QuizStatus.DRAFT
    )
    audience = models.CharField(
        _("参加人员"), max_length=16, choices=Audience, default=Audience.SUBTREE
    )
    audience_org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("参加组织"),
        help_text=_("该组织及其下级组织的在册人员参加。"),
    )
    party_members_only = models.BooleanField(_("仅限党员"), default=True)
    selection = models.CharField(
        _("组卷方式"), max_length=16, choices=Selection, default=Selection.FIXED
    )
    draw_tags = models.ManyToManyField(
        Tag, blank=True, related_name="+", verbose_name=_("抽题标签")
    )
    draw_easy = models.PositiveSmallIntegerField(_("抽取“易”题数"), default=0)
    draw_medium = models.PositiveSmallIntegerField(_("抽取“中”题数"), default=0)
    draw_hard = models.PositiveSmallIntegerField(_("抽取“难”题数"), default=0)
    points_per_question = models.PositiveSmallIntegerField(_("每题分值"), default=5)
    partial_credit = models.BooleanField(
        _("多选题少选得一半分"),
        default=False,
        help_text=_("不勾选时多选题须全部选对才得分；勾选后少选（无错选）得该题一半分值。"),
    )
    shuffle_questions = models.BooleanField(_("题目乱序"), default=True)
    shuffle_options = models.BooleanField(_("选项乱序"), default=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("答题限时（分钟）"), null=True, blank=True, help_text=_("留空表示截止前不限时。")
    )
    max_attempts = models.PositiveSmallIntegerField(_("可作答次数"), default=1)
    grading_rule = models.CharField(
        _("成绩计算"), max_length=16, choices=GradingRule, default=GradingRule.HIGHEST
    )
    pass_score = models.PositiveIntegerField(_("及格分"), default=60)
    review_policy = models.CharField(
        _("查看答案"), max_length=16, choices=ReviewPolicy, default=ReviewPolicy.AFTER_CLOSE
    )
    leaderboard_visible = models.BooleanField(_("参加人员可查看排行榜"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("知识测试")
        verbose_name_plural = _("知识测试")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="quiz_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="quiz_attempts_min_1"),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1),
                name="quiz_time_limit_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "closes_at"], name="quiz_status_closes"),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path

    @property
    def draw_total(self) -> int:
        return self.draw_easy + self.draw_medium + self.draw_hard

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == QuizStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == QuizStatus.CANCELLED or now >= self.closes_at

    def phase(self, now=None) -> str:
        """draft, upcoming, open, closed or cancelled: what a reader sees."""
        now = now or timezone.now()
        if self.status != QuizStatus.PUBLISHED:
            return self.status
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


class QuizQuestion(models.Model):
    """A question of a quiz with fixed questions, in its order."""

    quiz = models.ForeignKey(
        Quiz, models.CASCADE, related_name="quiz_questions", verbose_name=_("测试")
    )
    question = models.ForeignKey(
        Question, models.PROTECT, related_name="quiz_uses", verbose_name=_("题目")
    )
    position = models.PositiveIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("测试题目")
        verbose_name_plural = _("测试题目")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quizquestion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.position}"


class QuizInvitee(models.Model):
    """A hand-picked participant of a quiz whose audience is a list."""

    quiz = models.ForeignKey(Quiz, models.CASCADE, related_name="invitees", verbose_name=_("测试"))
    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="quiz_invitations", verbose_name=_("人员")
    )

    class Meta:
        verbose_name = _("指定参加人员")
        verbose_name_plural = _("指定参加人员")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "person"], name="quizinvitee_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.person}"


class Attempt(models.Model):
    """答卷: one attempt of one person. The server's clock decides: answers are taken until
    `deadline`, after which the attempt is submitted for the person."""

    scope_path_lookup = "person__primary_org__path"
    owner_lookup = "person__user"

    quiz = models.ForeignKey(Quiz, models.CASCADE, related_name="attempts", verbose_name=_("测试"))
    person = models.ForeignKey(
        "orgs.Person", models.PROTECT, related_name="quiz_attempts", verbose_name=_("人员")
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    status = models.CharField(
        _("状态"), max_length=16, choices=AttemptStatus, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("作答截止"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("到时自动交卷"), default=False)
    score = models.IntegerField(_("得分"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("满分"), default=0)
    correct_count = models.PositiveIntegerField(_("答对题数"), default=0)
    question_count = models.PositiveIntegerField(_("题数"), default=0)
    time_used_seconds = models.PositiveIntegerField(_("用时（秒）"), null=True, blank=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "person", "number"], name="attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["quiz", "person"],
                condition=Q(status=AttemptStatus.IN_PROGRESS),
                name="attempt_one_open",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("started_at")), name="attempt_deadline_after_start"
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline"],
                condition=Q(status=AttemptStatus.IN_PROGRESS),
                name="attempt_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.person} · {self.number}"

    def scope_path(self) -> str:
        return self.person.primary_org.path

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptItem(models.Model):
    """A question as drawn for one attempt: a copy of the question (later edits of the bank do
    not change a graded attempt), the order its options were shown in, and the answer given."""

    attempt = models.ForeignKey(
        Attempt, models.CASCADE, related_name="items", verbose_name=_("答卷")
    )
    position = models.PositiveIntegerField(_("序号"))
    question = models.ForeignKey(
        Question, models.PROTECT, related_name="attempt_uses", verbose_name=_("题目")
    )
    qtype = models.CharField(_("题型"), max_length=16, choices=QuestionType)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("正确答案"), default=list)
    explanation = models.TextField(_("解析"), blank=True)
    points = models.PositiveSmallIntegerField(_("分值"))
    option_order = models.JSONField(_("选项显示顺序"), default=list)
    response = models.JSONField(_("作答"), null=True, blank=True)
    answered_at = models.DateTimeField(_("作答时间"), null=True, blank=True)
    is_correct = models.BooleanField(_("正确"), null=True)
    score = models.IntegerField(_("得分"), null=True, blank=True)

    class Meta:
        verbose_name = _("答卷题目")
        verbose_name_plural = _("答卷题目")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attemptitem_position"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"


class QuizResult(models.Model):
    """测试成绩: one row per person and quiz, written in the grading transaction, so that a
    leaderboard reads one indexed table. `score` is the one the quiz counts (highest or last)."""

    scope_path_lookup = "person__primary_org__path"
    owner_lookup = "person__user"

    quiz = models.ForeignKey(Quiz, models.CASCADE, related_name="results", verbose_name=_("测试"))
    person = models.ForeignKey(
        "orgs.Person", models.PROTECT, related_name="quiz_results", verbose_name=_("人员")
    )
    score = models.IntegerField(_("成绩"))
    best_score = models.IntegerField(_("最高分"))
    last_score = models.IntegerField(_("最后一次得分"))
    time_used_seconds = models.PositiveIntegerField(_("用时（秒）"))
    counted_attempt = models.ForeignKey(
        Attempt, models.SET_NULL, null=True, related_name="+", verbose_name=_("计分答卷")
    )
    attempts_submitted = models.PositiveSmallIntegerField(_("交卷次数"), default=0)
    passed = models.BooleanField(_("及格"), default=False)
    submitted_at = models.DateTimeField(_("计分答卷交卷时间"))
    last_submitted_at = models.DateTimeField(_("最后交卷时间"))

    class Meta:
        verbose_name = _("测试成绩")
        verbose_name_plural = _("测试成绩")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "person"], name="quizresult_once"),
        ]
        indexes = [
            # The leaderboard's order, read in order with LIMIT: higher score first, then the
            # shorter time, then the earlier row.
            models.Index(
                fields=["quiz", "-score", "time_used_seconds", "id"], name="quizresult_board"
            ),
            models.Index(fields=["person", "-last_submitted_at"], name="quizresult_person"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.person} · {self.score}"

    def scope_path(self) -> str:
        return self.person.primary_org.path
