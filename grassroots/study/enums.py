"""Choices and workflows of the study app: kinds of study, attendance, reviews."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StudyKind(models.TextChoices):
    CONCENTRATED = "concentrated", _("集中学习")
    BRANCH = "branch", _("支部学习")
    TRAINING = "training", _("专题培训")
    SELF = "self", _("自学")


class StudyMode(models.TextChoices):
    IN_PERSON = "in_person", _("面授")
    ONLINE = "online", _("远程/线上")


class Audience(models.TextChoices):
    MEMBERS = "members", _("本组织全体人员")
    SUBTREE = "subtree", _("本组织及下级组织全体人员")
    SELECTED = "selected", _("指定人员")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    CANCELLED = "cancelled", _("已取消")


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("待签到")
    PRESENT = "present", _("已出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class ReviewStatus(models.TextChoices):
    """The review of a member's submission by the secretary: make-up study, self-study."""

    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


REVIEW_TRANSITIONS = {
    ("submitted", "approved"),
    ("submitted", "returned"),
    ("returned", "submitted"),  # the member corrects and submits again
}


class MaterialKind(models.TextChoices):
    DOCUMENT = "document", _("文档")
    LINK = "link", _("链接")
    NOTE = "note", _("文章")


class ReflectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审阅")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")
    EXCELLENT = "excellent", _("优秀")


# (from, to): the codename the move needs; None: the author's own move.
REFLECTION_TRANSITIONS = {
    ("submitted", "accepted"): "study.review_reflection",
    ("submitted", "returned"): "study.review_reflection",
    ("submitted", "excellent"): "study.review_reflection",
    ("accepted", "excellent"): "study.review_reflection",
    ("returned", "submitted"): None,
}
