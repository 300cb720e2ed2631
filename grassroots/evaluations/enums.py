"""Choices of the evaluation engine: what a campaign evaluates, its scale, its statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("测评对象类型", "人员")
    ORGANIZATION = "organization", pgettext_lazy("测评对象类型", "单位")


class ScaleKind(models.TextChoices):
    """好/较好/一般/差 with points per grade, or a plain score from 1 to 10."""

    GRADES = "grades", _("等次评价")
    SCORE = "score", _("1–10 分打分")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


# (from, to) -> the codename the move needs (on the campaign's organization)
TRANSITIONS = {
    (CampaignStatus.DRAFT, CampaignStatus.OPEN): "evaluations.manage_campaign",
    (CampaignStatus.DRAFT, CampaignStatus.CANCELLED): "evaluations.manage_campaign",
    (CampaignStatus.OPEN, CampaignStatus.CLOSED): "evaluations.manage_campaign",
    (CampaignStatus.OPEN, CampaignStatus.CANCELLED): "evaluations.manage_campaign",
}

# The default grades of a 民主测评 form: label, points, counted as satisfied.
DEFAULT_GRADES = (
    (_("好"), 100, True),
    (_("较好"), 80, True),
    (_("一般"), 60, False),
    (_("差"), 40, False),
)
SCORE_SATISFIED_FROM = 8  # on the 1–10 scale, 8 and above count as satisfied
