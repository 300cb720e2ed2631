"""Organizational life (组织生活): meetings of the 三会一课 and others, and the rules of how often
each kind must be held, as data."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import AttendanceStatus, AttendeeRole, MeetingStatus, Period, Rsvp


class MeetingKind(models.Model):
    """会议类别: 支部党员大会, 支部委员会, 党小组会, 党课 … kept as data the admin can extend."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("会议类别")
        verbose_name_plural = _("会议类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """A default kind in the user's language, until the admin renames it."""
        from django.utils.translation import gettext

        from ..kinds import DEFAULT_MEETING_KINDS

        for code, name, _order in DEFAULT_MEETING_KINDS:
            if code == self.code and name == self.name:
                return gettext(name)
        return self.name


class Meeting(TimeStampedModel):
    """会议: one meeting of an organization, of one kind."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("组织")
    )
    kind = models.ForeignKey(MeetingKind, models.PROTECT, verbose_name=_("会议类别"))
    title = models.CharField(_("会议名称"), max_length=200)
    topic = models.TextField(_("议题"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    link = models.URLField(_("线上链接"), max_length=500, blank=True)
    host = models.ForeignKey(
        "orgs.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主持人"),
    )
    recorder = models.ForeignKey(
        "orgs.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    agenda = models.TextField(_("议程"), blank=True)
    lecturer = models.CharField(
        _("授课人"), max_length=60, blank=True, help_text=_("党课的主讲人。")
    )
    allow_extra = models.BooleanField(
        _("允许临时参会"),
        default=False,
        help_text=_("名单以外的人扫码后记为临时参会人员；否则拒绝。"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    # Kept by the attendance services in the same transaction as the rows they count, so
    # lists show attendance without counting rows.
    # expected: members and invited (列席); present and leave among them; extra: not expected.
    expected_count = models.PositiveIntegerField(_("应到人数"), default=0)
    present_count = models.PositiveIntegerField(_("实到人数"), default=0)
    leave_count = models.PositiveIntegerField(_("请假人数"), default=0)
    extra_count = models.PositiveIntegerField(_("临时参会人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-starts_at"], name="meeting_org_recent"),
            # The newest meetings of a wide subtree: read in order, filtered by organization.
            models.Index(fields=["-starts_at", "-id"], name="meeting_recent"),
            models.Index(
                fields=["kind", "starts_at", "organization"],
                condition=Q(status="held"),
                name="meeting_held_kind_time",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(
                    expected_count__gte=models.F("present_count") + models.F("leave_count")
                ),
                name="meeting_counts_within_expected",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path

    @property
    def is_lecture(self) -> bool:
        return self.kind.code == "party_lecture"

    @property
    def absent_count(self) -> int:
        if self.status != MeetingStatus.HELD:
            return 0
        return max(self.expected_count - self.present_count - self.leave_count, 0)

    @property
    def attendance_rate(self) -> float | None:
        """实到 / 应到, or None while nobody is expected."""
        if not self.expected_count:
            return None
        return self.present_count / self.expected_count


class MeetingAttendance(models.Model):
    """参会记录: one person on a meeting's list: expected (members, 列席) or an extra attendee.
    The unique pair makes two scans by the same person count once, even at the same instant."""

    scope_path_lookup = "meeting__organization__path"
    owner_lookup = "person__user"

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendances", verbose_name=_("会议")
    )
    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="meeting_attendances", verbose_name=_("人员")
    )
    role = models.CharField(
        _("身份"), max_length=10, choices=AttendeeRole.choices, default=AttendeeRole.MEMBER
    )
    rsvp = models.CharField(_("回复"), max_length=10, choices=Rsvp.choices, default=Rsvp.NONE)
    rsvp_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    leave_reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    status = models.CharField(
        _("出勤"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.EXPECTED,
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    by_hand = models.BooleanField(_("手工登记"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("参会记录")
        verbose_name_plural = _("参会记录")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_attendance_once")
        ]
        indexes = [models.Index(fields=["person", "meeting"], name="meeting_attendance_person")]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.person_id}: {self.status}"

    def scope_path(self) -> str:
        return self.meeting.organization.path


class Minutes(TimeStampedModel):
    """会议记录: the minutes and decisions of a meeting. Free to edit as a draft; once published,
    a change is a new revision and the published ones are kept (MinutesRevision)."""

    scope_path_lookup = "meeting__organization__path"

    meeting = models.OneToOneField(
        Meeting, models.CASCADE, related_name="minutes", verbose_name=_("会议")
    )
    text = models.TextField(_("会议记录"), blank=True)
    decisions = models.TextField(_("决议"), blank=True, help_text=_("每行一条决议。"))
    revision = models.PositiveIntegerField(_("版本"), default=0)  # 0: never published
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")

    def __str__(self) -> str:
        return str(self.meeting)

    def scope_path(self) -> str:
        return self.meeting.organization.path

    @property
    def is_published(self) -> bool:
        return self.revision > 0

    @property
    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class MinutesRevision(models.Model):
    """A published version of the minutes, never changed or deleted."""

    minutes = models.ForeignKey(
        Minutes, models.CASCADE, related_name="revisions", verbose_name=_("会议记录")
    )
    number = models.PositiveIntegerField(_("版本"))
    text = models.TextField(_("会议记录"))
    decisions = models.TextField(_("决议"), blank=True)
    reason = models.CharField(_("修订说明"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    class Meta:
        verbose_name = _("会议记录版本")
        verbose_name_plural = _("会议记录版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.minutes_id} v{self.number}"


def attachment_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    return f"meetings/files/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def thumbnail_upload_to(instance, filename: str) -> str:
    import uuid

    return f"meetings/thumbs/{uuid.uuid4().hex}.jpg"


class MeetingAttachment(models.Model):
    """附件与照片: a document or a photo (with its thumbnail) of a meeting."""

    scope_path_lookup = "meeting__organization__path"

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attachments", verbose_name=_("会议")
    )
    file = models.FileField(_("文件"), upload_to=attachment_upload_to)
    thumbnail = models.FileField(_("缩略图"), upload_to=thumbnail_upload_to, blank=True)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)  # a key of core.uploads' kinds
    size = models.PositiveIntegerField(_("大小"))
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    def scope_path(self) -> str:
        return self.meeting.organization.path

    @property
    def is_image(self) -> bool:
        return bool(self.thumbnail)


class ComplianceRule(models.Model):
    """组织生活要求: organizations of a kind hold meetings of a kind at least `min_count` times
    per period (defaults from the 支部工作条例, 2018)."""

    org_kind = models.ForeignKey(
        "orgs.OrganizationKind", models.CASCADE, related_name="+", verbose_name=_("组织类别")
    )
    meeting_kind = models.ForeignKey(
        MeetingKind, models.CASCADE, related_name="rules", verbose_name=_("会议类别")
    )
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(
        _("最少次数"), default=1, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("组织生活要求")
        verbose_name_plural = _("组织生活要求")
        ordering = ["org_kind__sort_order", "meeting_kind__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_kind", "meeting_kind"], name="rule_once_per_kinds"
            ),
            models.CheckConstraint(condition=Q(min_count__gte=1), name="rule_min_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.org_kind} · {self.meeting_kind} · {self.get_period_display()} ≥ {self.min_count}"
