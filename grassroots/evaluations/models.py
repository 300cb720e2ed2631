"""The evaluation engine's data: campaigns (测评), their subjects, dimensions, scale, rater
groups, raters and single-use tokens, and the ballots.

Anonymity is kept by what is not stored. A ballot of an anonymous rater group names its
campaign, subject and group only; that a rater or a token has voted on a subject is a
`Receipt`, a separate row with no link to the ballot. Ballots and receipts have random UUID
keys and no timestamps, so neither the order of the rows nor a time can pair them. A ballot of a
named group keeps its rater, so that the rater may revise it while the campaign is open.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.models import TimeStampedModel

from .enums import CampaignStatus, ScaleKind, SubjectKind


class Campaign(TimeStampedModel):
    """测评活动: one evaluation of a set of subjects by groups of raters in a window."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="+",
        verbose_name=_("组织单位"),
        help_text=_("组织测评的单位；其下级的管理人员可以看到测评结果。"),
    )
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    subject_kind = models.CharField(
        _("测评对象类型"), max_length=16, choices=SubjectKind, default=SubjectKind.PERSON
    )
    scale_kind = models.CharField(
        _("评价方式"), max_length=10, choices=ScaleKind, default=ScaleKind.GRADES
    )
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus, default=CampaignStatus.DRAFT
    )
    # Which module runs the campaign ("" for a campaign made on its own pages): the module's
    # own pages link to it; the engine never reads it.
    source = models.CharField(_("来源"), max_length=40, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("测评活动")
        verbose_name_plural = _("测评活动")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="campaign_window_order",
                violation_error_message=_("截止时间必须晚于开始时间。"),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="campaign_org_status"),
            models.Index(fields=["source", "status"], name="campaign_source"),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path


class Dimension(models.Model):
    """测评维度 (履行职责, 服务态度, ...) with its weight in a subject's score."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="dimensions")
    name = models.CharField(_("维度"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=1)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测评维度")
        verbose_name_plural = _("测评维度")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="dimension_unique_name",
                violation_error_message=_("同一测评中维度名称不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="dimension_weight_positive",
                violation_error_message=_("权重必须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScaleLevel(models.Model):
    """One answer of the scale: a grade (好 = 100 points) or a score (7 = 7 points)."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="levels")
    label = models.CharField(_("等次"), max_length=20)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    satisfied = models.BooleanField(
        _("计入满意"), default=False, help_text=_("满意率 = 计入满意的票数 ÷ 有效票数。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评价等次")
        verbose_name_plural = _("评价等次")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "label"],
                name="level_unique_label",
                violation_error_message=_("同一测评中等次名称不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class RaterGroup(models.Model):
    """测评人类别 (领导, 同事, 本人) with its weight in the total; anonymous or named."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="groups")
    name = models.CharField(pgettext_lazy("测评人类别", "类别"), max_length=40)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)
    anonymous = models.BooleanField(
        _("匿名"),
        default=True,
        help_text=_("匿名类别的选票不记录投票人，测评结束后才显示该类别的得分。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测评人类别")
        verbose_name_plural = _("测评人类别")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="rater_group_unique_name",
                violation_error_message=_("同一测评中类别名称不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="rater_group_weight_range",
                violation_error_message=_("权重应在 0 到 100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """测评对象: a person or an organization evaluated in the campaign."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        "orgs.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("测评对象类型", "人员"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("测评对象类型", "单位"),
    )
    label = models.CharField(_("名称"), max_length=120)
    note = models.CharField(_("说明"), max_length=120, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测评对象")
        verbose_name_plural = _("测评对象")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) ^ Q(organization__isnull=True),
                name="subject_person_or_org",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(person__isnull=False),
                name="subject_unique_person",
                violation_error_message=_("该人员已是本测评的对象。"),
            ),
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                condition=Q(organization__isnull=False),
                name="subject_unique_org",
                violation_error_message=_("该单位已是本测评的对象。"),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Rater(models.Model):
    """A named rater: an account that rates one subject, or every subject when `subject` is
    empty, as a member of a group."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="raters")
    group = models.ForeignKey(RaterGroup, models.CASCADE, related_name="raters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="evaluation_raters",
        verbose_name=_("测评人"),
    )
    subject = models.ForeignKey(
        Subject,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="raters",
        verbose_name=_("只评价"),
    )

    class Meta:
        verbose_name = _("测评人")
        verbose_name_plural = _("测评人")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user", "subject"],
                name="rater_unique_subject",
                violation_error_message=_("该账号已是这一对象的测评人。"),
            ),
            models.UniqueConstraint(
                fields=["campaign", "user"],
                condition=Q(subject__isnull=True),
                name="rater_unique_all",
                violation_error_message=_("该账号已是本测评的测评人。"),
            ),
        ]
        indexes = [models.Index(fields=["user", "campaign"], name="rater_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.group}"


class Token(models.Model):
    """测评码: a single-use code for a rater without an account, printed as a QR code or sent as
    a link. It rates one subject, or every subject of the campaign on one sheet; once used, it
    is spent (`used`), with no time and no link to the ballots cast with it."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="tokens")
    group = models.ForeignKey(RaterGroup, models.CASCADE, related_name="tokens")
    subject = models.ForeignKey(
        Subject, models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    serial = models.PositiveIntegerField(_("编号"))
    code = models.CharField(_("测评码"), max_length=32, unique=True)
    used = models.BooleanField(_("已使用"), default=False)
    revoked = models.BooleanField(_("已作废"), default=False)

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = _("测评码")
        ordering = ["serial"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "serial"], name="token_unique_serial"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.serial}"


class Receipt(models.Model):
    """This rater, or this token, has voted on this subject: the whole record of who voted.
    Unique per voter and subject, so two submissions at the same instant count once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    group = models.ForeignKey(RaterGroup, models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, models.CASCADE, related_name="+")
    rater = models.ForeignKey(Rater, models.CASCADE, null=True, blank=True, related_name="+")
    token = models.ForeignKey(Token, models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rater__isnull=True) ^ Q(token__isnull=True),
                name="receipt_rater_or_token",
            ),
            models.UniqueConstraint(
                fields=["rater", "subject"],
                condition=Q(rater__isnull=False),
                name="receipt_once_per_rater",
            ),
            models.UniqueConstraint(
                fields=["token", "subject"],
                condition=Q(token__isnull=False),
                name="receipt_once_per_token",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "group"], name="receipt_turnout")]

    def __str__(self) -> str:
        return str(self.pk)


class Ballot(models.Model):
    """选票: one rater's answers on one subject. `rater` is set only in a named group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="ballots")
    subject = models.ForeignKey(Subject, models.CASCADE, related_name="ballots")
    group = models.ForeignKey(RaterGroup, models.CASCADE, related_name="ballots")
    rater = models.ForeignKey(Rater, models.CASCADE, null=True, blank=True, related_name="ballots")
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(
                fields=["rater", "subject"],
                condition=Q(rater__isnull=False),
                name="ballot_once_per_rater",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "subject"], name="ballot_subject")]

    def __str__(self) -> str:
        return str(self.pk)


class Score(models.Model):
    """One answer of a ballot: the level chosen for one dimension. The campaign, subject and
    group are copied from the ballot so the tally reads this table alone."""

    ballot = models.ForeignKey(Ballot, models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(Dimension, models.CASCADE, related_name="+")
    level = models.ForeignKey(ScaleLevel, models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    satisfied = models.BooleanField(default=False)
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, models.CASCADE, related_name="+")
    group = models.ForeignKey(RaterGroup, models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "dimension"], name="score_once"),
        ]
        indexes = [
            models.Index(fields=["campaign", "subject", "group", "dimension"], name="score_tally"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} · {self.points}"
