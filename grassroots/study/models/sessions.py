from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import (
    AttendanceStatus,
    Audience,
    ReviewStatus,
    SessionStatus,
    StudyKind,
    StudyMode,
)

HOURS = {"max_digits": 6, "decimal_places": 1, "validators": [MinValueValidator(Decimal("0"))]}


def evidence_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    return f"study/evidence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class StudyPlan(TimeStampedModel):
    """学习计划: an organization's study plan for a year."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("组织")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    topics = models.TextField(_("学习专题"), blank=True)
    required_hours = models.DecimalField(_("要求学时"), default=Decimal("32"), **HOURS)
    materials = models.ManyToManyField(
        "study.Material", blank=True, related_name="plans", verbose_name=_("学习资料")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("制定人"),
    )

    class Meta:
        verbose_name = _("学习计划")
        verbose_name_plural = _("学习计划")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="study_plan_once_a_year")
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path


class StudySession(TimeStampedModel):
    """学习活动: a study session or training held by an organization, with the people expected."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("主办组织")
    )
    plan = models.ForeignKey(
        StudyPlan,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("学习计划"),
    )
    title = models.CharField(_("主题"), max_length=200)
    kind = models.CharField(_("形式"), max_length=20, choices=StudyKind.choices)
    mode = models.CharField(_("方式"), max_length=20, choices=StudyMode.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    link = models.URLField(_("线上链接"), max_length=500, blank=True)
    teacher = models.CharField(_("主讲人"), max_length=60, blank=True)
    description = models.TextField(_("内容"), blank=True)
    materials = models.ManyToManyField(
        "study.Material", blank=True, related_name="sessions", verbose_name=_("学习资料")
    )
    hours = models.DecimalField(_("学时"), **HOURS)
    audience = models.CharField(
        _("参加人员"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    expected_count = models.PositiveIntegerField(_("应到人数"), default=0)
    present_count = models.PositiveIntegerField(_("实到人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("安排人"),
    )

    class Meta:
        verbose_name = _("学习活动")
        verbose_name_plural = _("学习活动")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-starts_at"], name="session_org_recent"),
            models.Index(fields=["starts_at"], name="session_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive"),
            models.CheckConstraint(
                condition=Q(present_count__lte=models.F("expected_count")),
                name="session_present_within_expected",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path


class Attendance(models.Model):
    """签到记录: one expected (or extra) person at one session. The unique pair is what makes two
    scans by the same person count once, even at the same instant."""

    scope_path_lookup = "session__organization__path"
    owner_lookup = "person__user"

    session = models.ForeignKey(
        StudySession, models.CASCADE, related_name="attendances", verbose_name=_("学习活动")
    )
    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="study_attendances", verbose_name=_("人员")
    )
    status = models.CharField(
        _("出勤"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.EXPECTED,
    )
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    by_hand = models.BooleanField(_("手工登记"), default=False)
    leave_reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="attendance_once_per_session"
            )
        ]
        indexes = [models.Index(fields=["person", "session"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.person_id}: {self.status}"

    def scope_path(self) -> str:
        return self.session.organization.path


class ReviewedEvidence(TimeStampedModel):
    """What a member submits with evidence and the secretary approves or returns (make-up
    study, self-study): the evidence and the review, alike in both."""

    file = models.FileField(_("佐证材料"), upload_to=evidence_upload_to, blank=True)
    link = models.URLField(_("链接"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        abstract = True


class MakeUp(ReviewedEvidence):
    """补学: make-up study for a missed session, with evidence, approved by the secretary."""

    scope_path_lookup = "attendance__session__organization__path"
    owner_lookup = "attendance__person__user"

    attendance = models.OneToOneField(
        Attendance, models.CASCADE, related_name="makeup", verbose_name=_("签到记录")
    )
    note = models.TextField(_("补学情况"))

    class Meta:
        verbose_name = _("补学")
        verbose_name_plural = _("补学")
        # The review queue: what is waiting, oldest first.
        indexes = [models.Index(fields=["status", "created_at"], name="makeup_status_created")]

    def __str__(self) -> str:
        return str(self.attendance)

    def scope_path(self) -> str:
        return self.attendance.session.organization.path


class SelfStudy(ReviewedEvidence):
    """自学记录: a member's own study, with evidence, approved or returned by the secretary."""

    scope_path_lookup = "person__primary_org__path"
    owner_lookup = "person__user"

    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="self_studies", verbose_name=_("人员")
    )
    title = models.CharField(_("学习内容"), max_length=200)
    studied_on = models.DateField(_("学习日期"))
    hours = models.DecimalField(_("学时"), **HOURS)
    note = models.TextField(_("学习笔记"), blank=True)
    material = models.ForeignKey(
        "study.Material",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("学习资料"),
    )

    class Meta:
        verbose_name = _("自学记录")
        verbose_name_plural = _("自学记录")
        ordering = ["-studied_on", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="selfstudy_status_created"),
            models.Index(fields=["person", "-studied_on"], name="selfstudy_person_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=8), name="selfstudy_hours_range"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.person.primary_org.path


class HoursCredit(models.Model):
    """学时记录: hours credited to a person from one source (an attended session, an approved
    make-up or self-study). One row per source: the ledger cannot count a source twice."""

    class Source(models.TextChoices):
        ATTENDANCE = "attendance", _("出席学习")
        MAKEUP = "makeup", _("补学")
        SELF_STUDY = "self_study", _("自学")

    scope_path_lookup = "person__primary_org__path"
    owner_lookup = "person__user"

    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="study_credits", verbose_name=_("人员")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("形式"), max_length=20, choices=StudyKind.choices)
    hours = models.DecimalField(_("学时"), **HOURS)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    credited_at = models.DateTimeField(_("记入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="credit_once_per_source")
        ]
        indexes = [models.Index(fields=["person", "year"], name="credit_person_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.kind} {self.hours}"


class StudyYear(models.Model):
    """学时台账: a person's hours in a year, by kind, against the target; an exact aggregate of
    HoursCredit that the services update in the same transaction as the credit."""

    scope_path_lookup = "person__primary_org__path"
    owner_lookup = "person__user"

    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="study_years", verbose_name=_("人员")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    concentrated = models.DecimalField(_("集中学习"), default=Decimal("0"), **HOURS)
    branch = models.DecimalField(_("支部学习"), default=Decimal("0"), **HOURS)
    training = models.DecimalField(_("专题培训"), default=Decimal("0"), **HOURS)
    self_study = models.DecimalField(_("自学"), default=Decimal("0"), **HOURS)
    total = models.DecimalField(_("合计"), default=Decimal("0"), **HOURS)
    target = models.DecimalField(_("目标学时"), default=Decimal("32"), **HOURS)
    # Completion in percent, kept by the database itself: the ledger is ranked by it through
    # an index, without reading a county's rows to sort them.
    progress = models.GeneratedField(
        expression=models.Case(
            models.When(target__lte=0, then=models.Value(100.0)),
            default=Cast("total", models.FloatField())
            * models.Value(100.0)
            / Cast("target", models.FloatField()),
            output_field=models.FloatField(),
        ),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("完成率"),
    )

    class Meta:
        verbose_name = _("学时台账")
        verbose_name_plural = _("学时台账")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="study_year_once"),
            # The aggregate only ever moves by credits and their reversal: never below zero.
            models.CheckConstraint(
                condition=Q(total__gte=0)
                & Q(concentrated__gte=0)
                & Q(branch__gte=0)
                & Q(training__gte=0)
                & Q(self_study__gte=0),
                name="study_year_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "person"], name="study_year_year"),
            models.Index(fields=["year", "-progress", "person"], name="study_year_ranking"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}: {self.total}/{self.target}"

    def scope_path(self) -> str:
        return self.person.primary_org.path


class HoursTarget(models.Model):
    """年度学时要求: the yearly target for a category of people (configurable; defaults from the
    党员教育管理工作条例: 32 hours for members, 56 for branch secretaries and committee
    members)."""

    class Category(models.TextChoices):
        MEMBER = "member", _("党员")
        LEADER = "leader", _("支部书记、委员")

    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices, unique=True)
    hours = models.DecimalField(_("年度学时"), **HOURS)
    # A position title containing one of these words puts its holder in the category.
    position_keywords = models.CharField(
        _("职务关键词"), max_length=200, blank=True, help_text=_("以逗号分隔，如：书记,委员")
    )

    class Meta:
        verbose_name = _("年度学时要求")
        verbose_name_plural = _("年度学时要求")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.hours}"
