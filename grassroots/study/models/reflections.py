from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..enums import ReflectionStatus


class Reflection(models.Model):
    """心得体会: a member's written reflection on a session or a material, reviewed by the
    secretary. The text is kept as plain Unicode with its submission time; `check_*` fields are
    where a later template-copy check attaches its result."""

    scope_path_lookup = "person__primary_org__path"
    owner_lookup = "person__user"

    person = models.ForeignKey(
        "orgs.Person", models.CASCADE, related_name="reflections", verbose_name=_("作者")
    )
    session = models.ForeignKey(
        "study.StudySession",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("学习活动"),
    )
    material = models.ForeignKey(
        "study.Material",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("学习资料"),
    )
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("正文"))
    length = models.PositiveIntegerField(_("字数"), default=0)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ReflectionStatus.choices,
        default=ReflectionStatus.SUBMITTED,
    )
    shared = models.BooleanField(_("在本组织分享"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审阅人"),
    )
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    review_comment = models.TextField(_("审阅意见"), blank=True)
    # For the template-copy check of a later module: its state, its findings, when it ran.
    check_status = models.CharField(_("查重状态"), max_length=20, blank=True)
    check_result = models.JSONField(_("查重结果"), null=True, blank=True)
    checked_at = models.DateTimeField(_("查重时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("心得体会")
        verbose_name_plural = _("心得体会")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="reflection_status_submitted"),
            models.Index(fields=["person", "-submitted_at"], name="reflection_person_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=True) | Q(material__isnull=True),
                name="reflection_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(shared=False) | Q(status="excellent"),
                name="reflection_shared_only_excellent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.person.primary_org.path


class ReflectionEvent(models.Model):
    """One move of a reflection's review: who, when, from, to, comment."""

    reflection = models.ForeignKey(
        Reflection, models.CASCADE, related_name="events", verbose_name=_("心得体会")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10)
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审阅记录")
        verbose_name_plural = _("审阅记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
