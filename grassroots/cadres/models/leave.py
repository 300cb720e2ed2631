from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.orgs.enums import Rank

from ..enums import Approver, LeaveKind, LeaveStatus
from .programs import Program
from .secondments import Secondment


class LeaveRule(models.Model):
    """请假审批规则: a level of approval that applies when a request is longer than `above_days`
    working days, for the cadres of `rank` (empty: every rank). Rules of a program replace the
    default rules (program empty) when it has any."""

    program = models.ForeignKey(
        Program,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="leave_rules",
        verbose_name=_("批次"),
    )
    level = models.PositiveSmallIntegerField(_("审批顺序"))
    approver = models.CharField(_("审批人"), max_length=14, choices=Approver)
    above_days = models.PositiveSmallIntegerField(
        _("超过天数"), default=0, help_text=_("请假工作日数超过此数时需要这一级审批。")
    )
    rank = models.CharField(_("适用职级"), max_length=20, choices=Rank, blank=True)

    class Meta:
        verbose_name = _("请假审批规则")
        verbose_name_plural = _("请假审批规则")
        ordering = ["program_id", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "level", "rank"],
                name="leave_rule_unique_level",
                violation_error_message=_("这一审批顺序已有规则。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.get_approver_display()} > {self.above_days}"


class LeaveRequest(models.Model):
    """请假: a cadre's leave, approved level by level; `levels` is the list of approvers fixed
    when it was submitted, `current_level` the index of the one whose turn it is."""

    scope_path_lookup = "secondment__program__organization__path"
    owner_lookup = "secondment__person__user"

    secondment = models.ForeignKey(Secondment, models.CASCADE, related_name="leave_requests")
    kind = models.CharField(_("请假类型"), max_length=16, choices=LeaveKind)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    days = models.PositiveSmallIntegerField(_("工作日数"))
    reason = models.TextField(_("事由"))
    attachment = models.FileField(
        _("附件"), upload_to="cadres/leave/%Y/%m/", max_length=200, blank=True
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=LeaveStatus, default=LeaveStatus.PENDING
    )
    levels = models.JSONField(_("审批流程"), default=list)
    current_level = models.PositiveSmallIntegerField(default=0)
    returned_on = models.DateField(_("销假日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="leave_dates_order",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["secondment", "status"], name="leave_secondment_status"),
        ]

    def __str__(self) -> str:
        return f"{self.secondment} · {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class LeaveStep(models.Model):
    """One approver's decision on one level of a leave request."""

    request = models.ForeignKey(LeaveRequest, models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField()
    approver = models.CharField(max_length=14, choices=Approver)
    approved = models.BooleanField()
    comment = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["request", "level"], name="leave_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.level}"
