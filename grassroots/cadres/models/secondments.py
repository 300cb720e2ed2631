from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.models import TimeStampedModel

from ..enums import AppraisalResult, PlanStatus, ReportKind, SecondmentStatus
from .programs import Application, CadreGroup, Post, Program


class Secondment(TimeStampedModel):
    """挂职: one cadre on one post of a program, from matching to the archive, under three-party
    management: the sending unit, the host unit (a host leader) and the organizing body, with a
    group leader for the cadre's group. An archived secondment is the person's record of it."""

    scope_path_lookup = "program__organization__path"
    owner_lookup = "person__user"

    program = models.ForeignKey(Program, models.PROTECT, related_name="secondments")
    post = models.ForeignKey(Post, models.PROTECT, related_name="secondments")
    person = models.ForeignKey(
        "orgs.Person", models.PROTECT, related_name="secondments", verbose_name=_("挂职干部")
    )
    application = models.ForeignKey(
        Application, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sending_org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("派出单位")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=SecondmentStatus, default=SecondmentStatus.MATCHED
    )
    match_score = models.PositiveSmallIntegerField(_("匹配度"), default=0)
    host_leader = models.ForeignKey(
        "orgs.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收单位联系领导"),
    )
    group = models.ForeignKey(
        CadreGroup,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所在小组"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    placed_on = models.DateField(_("到岗日期"), null=True, blank=True)
    final_summary = models.TextField(_("挂职总结"), blank=True)
    summary_submitted_at = models.DateTimeField(_("总结提交时间"), null=True, blank=True)
    result = models.CharField(_("鉴定结果"), max_length=10, choices=AppraisalResult, blank=True)
    commended = models.BooleanField(_("表彰"), default=False)
    commendation = models.CharField(_("表彰情况"), max_length=200, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂职干部")
        verbose_name_plural = _("挂职干部")
        ordering = ["program", "post__sort_order", "post_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person"],
                condition=~Q(status="withdrawn"),
                name="secondment_one_post_per_program",
                violation_error_message=_("同一批次中每人只能挂职一个岗位。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="secondment_term_order",
                violation_error_message=_("结束日期必须晚于开始日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"], name="secondment_program_status"),
            models.Index(fields=["person", "status"], name="secondment_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.post.title}"

    def scope_path(self) -> str:
        return self.program.organization.path


class SecondmentEvent(models.Model):
    """One step of a secondment's timeline: who did what, when, with a comment."""

    secondment = models.ForeignKey(Secondment, models.CASCADE, related_name="events")
    action = models.CharField(_("事项"), max_length=40)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("挂职记录")
        verbose_name_plural = _("挂职记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["secondment", "at"], name="secondment_event_time")]

    def __str__(self) -> str:
        return f"{self.secondment} · {self.action}"


class WorkPlan(TimeStampedModel):
    """个人工作计划: the goals a cadre sets for the term; the host leader approves them."""

    secondment = models.OneToOneField(Secondment, models.CASCADE, related_name="work_plan")
    goals = models.TextField(_("工作目标"))
    measures = models.TextField(_("主要措施"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus, default=PlanStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")


class Report(models.Model):
    """月度报告 / 阶段小结 due on a date; made for the whole term at placement, so a late one is
    a plain query (due, not submitted). The host leader comments."""

    secondment = models.ForeignKey(Secondment, models.CASCADE, related_name="reports")
    kind = models.CharField(_("类型"), max_length=10, choices=ReportKind)
    period_start = models.DateField(_("所属期间起"))
    period_end = models.DateField(_("所属期间止"))
    due_on = models.DateField(pgettext_lazy("挂职报告", "截止日期"))
    content = models.TextField(_("内容"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    host_comment = models.TextField(_("接收单位意见"), blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commented_at = models.DateTimeField(_("意见时间"), null=True, blank=True)
    reminded = models.BooleanField(default=False, editable=False)
    late_notified = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("挂职报告")
        verbose_name_plural = _("挂职报告")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["secondment", "kind", "period_start"], name="report_once_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["due_on", "submitted_at"], name="report_due"),
        ]

    def __str__(self) -> str:
        return f"{self.secondment} · {self.get_kind_display()} {self.period_start:%Y-%m}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
