from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.models import TimeStampedModel
from grassroots.orgs.enums import Education, PoliticalStatus, Rank

from ..enums import ApplicationKind, ApplicationStatus, ProgramStatus


class Program(TimeStampedModel):
    """挂职锻炼批次: e.g. 2026年市委党校第一批挂职干部, run by an organizing body (组织部, 党校)
    for a term, with the posts host units offer and the sending units whose people may apply."""

    scope_path_lookup = "organization__path"

    title = models.CharField(_("批次名称"), max_length=120)
    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    sending_units = models.ManyToManyField(
        "orgs.Organization",
        related_name="+",
        blank=True,
        verbose_name=_("选派单位"),
        help_text=_("这些单位及其下级的在册人员可以报名。"),
    )
    starts_on = models.DateField(_("挂职开始日期"))
    ends_on = models.DateField(_("挂职结束日期"))
    notice = models.TextField(_("选派通知"), blank=True)
    call_opens_at = models.DateTimeField(_("报名开始时间"), null=True, blank=True)
    call_closes_at = models.DateTimeField(_("报名截止时间"), null=True, blank=True)
    publicity_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProgramStatus, default=ProgramStatus.DRAFT
    )
    # A random key for the public 公示 page (no account needed to read it or object).
    public_key = models.CharField(max_length=32, unique=True, editable=False)
    exchange_meeting = models.ForeignKey(
        "meetings.Meeting",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("挂职干部座谈会"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("挂职批次")
        verbose_name_plural = _("挂职批次")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="program_term_order",
                violation_error_message=_("挂职结束日期必须晚于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path


class Post(models.Model):
    """挂职岗位 offered by a host unit, with its places and requirements."""

    scope_path_lookup = "program__organization__path"

    program = models.ForeignKey(Program, models.CASCADE, related_name="posts")
    host = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("接收单位")
    )
    title = models.CharField(_("挂职岗位"), max_length=80)
    duties = models.TextField(_("岗位职责"), blank=True)
    places = models.PositiveSmallIntegerField(_("名额"), default=1)
    min_education = models.CharField(_("最低学历"), max_length=16, choices=Education, blank=True)
    political_status = models.CharField(
        _("政治面貌要求"), max_length=20, choices=PoliticalStatus, blank=True
    )
    max_age = models.PositiveSmallIntegerField(_("年龄上限"), null=True, blank=True)
    min_rank = models.CharField(_("最低职级"), max_length=20, choices=Rank, blank=True)
    max_rank = models.CharField(_("最高职级"), max_length=20, choices=Rank, blank=True)
    expertise = models.CharField(
        _("专业领域"), max_length=200, blank=True, help_text=_("多个领域用顿号或逗号分隔。")
    )
    host_leader = models.ForeignKey(
        "orgs.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收单位联系领导"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("挂职岗位")
        verbose_name_plural = _("挂职岗位")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="post_places_positive",
                violation_error_message=_("名额至少为 1。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host} · {self.title}"

    def scope_path(self) -> str:
        return self.program.organization.path


class CadreGroup(models.Model):
    """挂职干部小组 with its group leader (组长), one of the cadres or an officer."""

    scope_path_lookup = "program__organization__path"

    program = models.ForeignKey(Program, models.CASCADE, related_name="groups")
    name = models.CharField(_("小组名称"), max_length=60)
    leader = models.ForeignKey(
        "orgs.Person", models.PROTECT, related_name="+", verbose_name=_("组长")
    )

    class Meta:
        verbose_name = _("挂职干部小组")
        verbose_name_plural = _("挂职干部小组")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cadre_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramTraining(models.Model):
    """岗前培训: a study session of the study module that the cadres of a program attend before
    placement."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="trainings")
    session = models.ForeignKey(
        "study.StudySession", models.PROTECT, related_name="+", verbose_name=_("培训")
    )
    required = models.BooleanField(_("派出前必须参加"), default=True)

    class Meta:
        verbose_name = _("岗前培训")
        verbose_name_plural = _("岗前培训")
        constraints = [
            models.UniqueConstraint(fields=["program", "session"], name="training_once"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.session}"


class Application(TimeStampedModel):
    """报名: a person applies voluntarily with a statement, or a sending unit recommends them
    with a reason."""

    scope_path_lookup = "program__organization__path"
    owner_lookup = "person__user"

    program = models.ForeignKey(Program, models.CASCADE, related_name="applications")
    person = models.ForeignKey(
        "orgs.Person", models.PROTECT, related_name="+", verbose_name=_("报名人")
    )
    kind = models.CharField(
        pgettext_lazy("报名方式", "方式"), max_length=12, choices=ApplicationKind
    )
    preferred_post = models.ForeignKey(
        Post,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("意向岗位"),
    )
    statement = models.TextField(_("个人陈述"), blank=True)
    expertise = models.CharField(
        _("专业特长"), max_length=200, blank=True, help_text=_("多个领域用顿号或逗号分隔。")
    )
    recommending_org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("推荐单位"),
    )
    reason = models.TextField(_("推荐理由"), blank=True)
    status = models.CharField(
        _("状态"), max_length=14, choices=ApplicationStatus, default=ApplicationStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person"],
                condition=~Q(status="withdrawn"),
                name="application_once",
                violation_error_message=_("此人已报名本批次。"),
            ),
        ]


class Objection(models.Model):
    """公示异议: anyone may object during the publicity window, without an account; the officer
    must answer every objection before the list is final. The code lets the sender follow it."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="objections")
    secondment = models.ForeignKey(
        "cadres.Secondment",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("涉及人员"),
    )
    content = models.TextField(_("异议内容"))
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    code = models.CharField(_("查询码"), max_length=16, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    upheld = models.BooleanField(_("异议成立"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return self.code
