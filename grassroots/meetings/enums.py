"""Choices of the meetings app: periods of the compliance rules, meeting statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class AttendeeRole(models.TextChoices):
    """Why a person is on a meeting's list."""

    MEMBER = "member", _("应到人员")
    INVITED = "invited", _("列席人员")
    EXTRA = "extra", _("临时参会")


class Rsvp(models.TextChoices):
    """A member's answer to the notice."""

    NONE = "none", _("未回复")
    ATTENDING = "attending", _("参加")
    LEAVE = "leave", _("请假")


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("待签到")
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class ActivityKind(models.TextChoices):
    CULTURE = "culture", _("文体活动")
    VOLUNTEER = "volunteer", _("志愿服务")
    VISIT = "visit", _("走访慰问")
    TOUR = "tour", _("参观学习")
    OTHER = "other", _("其他")


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("报名中")
    HELD = "held", _("已开展")
    CANCELLED = "cancelled", _("已取消")


ACTIVITY_TRANSITIONS = {
    (ActivityStatus.OPEN, ActivityStatus.HELD),
    (ActivityStatus.OPEN, ActivityStatus.CANCELLED),
}


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITING = "waiting", _("候补")
    CANCELLED = "cancelled", _("已取消")


class PairingKind(models.TextChoices):
    CONTACT = "contact", _("挂点联系")
    COBUILD = "cobuild", _("结对共建")
