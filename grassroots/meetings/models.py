"""Organizational life (组织生活): meetings of the 三会一课 and others, and the rules of how often
each kind must be held, as data."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from .enums import MeetingStatus, Period


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

        from .kinds import DEFAULT_MEETING_KINDS

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
    status = models.CharField(
        _("状态"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-starts_at"], name="meeting_org_recent"),
            models.Index(
                fields=["kind", "starts_at", "organization"],
                condition=Q(status="held"),
                name="meeting_held_kind_time",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path


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
