from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import ActivityKind, ActivityStatus, SignupStatus


def photo_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    return f"activities/photos/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def photo_thumbnail_upload_to(instance, filename: str) -> str:
    import uuid

    return f"activities/thumbs/{uuid.uuid4().hex}.jpg"


class Activity(TimeStampedModel):
    """活动: a culture or sports event, volunteer service, visit or tour with sign-up, a capacity
    and a waiting list; optionally a joint activity of a pairing (结对共建)."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("主办组织")
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    description = models.TextField(_("活动内容"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("不填表示不限人数。")
    )
    signup_deadline = models.DateTimeField(_("报名截止时间"))
    volunteer_hours = models.DecimalField(
        _("志愿服务时长（小时）"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("志愿服务活动签到后每人计入的时长。"),
    )
    pairing = models.ForeignKey(
        "meetings.Pairing",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("结对共建"),
        help_text=_("选择后记为该结对的共建活动。"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    report = models.TextField(_("活动小结"), blank=True)
    reported_at = models.DateTimeField(_("小结时间"), null=True, blank=True)
    # Kept by the sign-up services under a lock on the activity row.
    confirmed_count = models.PositiveIntegerField(_("已报名人数"), default=0)
    waiting_count = models.PositiveIntegerField(_("候补人数"), default=0)
    present_count = models.PositiveIntegerField(_("签到人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-starts_at"], name="activity_org_recent"),
            models.Index(fields=["pairing", "starts_at"], name="activity_pairing_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(confirmed_count__lte=models.F("capacity")),
                name="activity_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(volunteer_hours__gte=0), name="activity_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)


class ActivitySignup(models.Model):
    """报名: one person's place (or place in line) at an activity. Unique per person; the
    waiting list is served in the order of `queued_at`."""

    scope_path_lookup = "activity__organization__path"
    owner_lookup = "person__user"

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="signups", verbose_name=_("活动")
    )
    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="activity_signups", verbose_name=_("人员")
    )
    status = models.CharField(_("状态"), max_length=10, choices=SignupStatus.choices)
    queued_at = models.DateTimeField(_("报名时间"))
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    by_hand = models.BooleanField(_("手工登记"), default=False)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="signup_once"),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="signup_checked_in_confirmed",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "status", "queued_at"], name="signup_queue"),
            models.Index(fields=["person", "activity"], name="signup_person"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.person_id}: {self.status}"

    def scope_path(self) -> str:
        return self.activity.organization.path


class ActivityPhoto(models.Model):
    scope_path_lookup = "activity__organization__path"

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="photos", verbose_name=_("活动")
    )
    image = models.FileField(_("照片"), upload_to=photo_upload_to)
    thumbnail = models.FileField(_("缩略图"), upload_to=photo_thumbnail_upload_to)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.activity)

    def scope_path(self) -> str:
        return self.activity.organization.path


class VolunteerCredit(models.Model):
    """志愿服务时长: hours credited to a person for one attended volunteer activity (once: the
    unique activity and person). The organization is the person's when credited, so the
    yearly ledger per organization stays as it was when the service was given."""

    scope_path_lookup = "organization__path"
    owner_lookup = "person__user"

    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="volunteer_credits", verbose_name=_("人员")
    )
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="credits", verbose_name=_("活动")
    )
    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("所在组织")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    hours = models.DecimalField(
        _("时长（小时）"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    credited_at = models.DateTimeField(_("计入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务时长")
        verbose_name_plural = _("志愿服务时长")
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="volunteer_credit_once"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="volunteer_hours_positive"),
        ]
        indexes = [
            models.Index(fields=["person", "year"], name="volunteer_person_year"),
            models.Index(fields=["year", "organization"], name="volunteer_year_org"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}: {self.hours}"

    def scope_path(self) -> str:
        return self.organization.path
