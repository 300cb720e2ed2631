"""The question bank (题库): questions owned by an organization, their tags, and Excel imports."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import Difficulty, ImportStatus, QuestionType


class Tag(models.Model):
    """标签: a topic of questions (党章, 三会一课 …), shared by every bank."""

    name = models.CharField(_("名称"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("题目标签")
        verbose_name_plural = _("题目标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(TimeStampedModel):
    """题目: one question of an organization's bank. See `grading` for the shape of `answer`."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="quiz_questions",
        verbose_name=_("所属组织"),
    )
    qtype = models.CharField(_("题型"), max_length=16, choices=QuestionType)
    stem = models.TextField(_("题干"), max_length=2000)
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.JSONField(_("正确答案"), default=list)
    explanation = models.TextField(_("解析"), max_length=2000, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty, default=Difficulty.MEDIUM
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions", verbose_name=_("标签"))
    fingerprint = models.CharField(_("题目指纹"), max_length=64, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fingerprint"],
                name="question_unique_in_bank",
                violation_error_message=_("本组织题库中已有相同的题目。"),
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_3"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "is_active", "difficulty"], name="question_bank_draw"
            ),
        ]

    def __str__(self) -> str:
        return self.stem[:40]

    def scope_path(self) -> str:
        return self.organization.path


def _import_upload_to(instance, filename: str) -> str:
    # A random name: the uploaded name is kept in a field, never used on disk.
    return f"quizzes/imports/{uuid.uuid4().hex}.xlsx"


class QuestionImport(models.Model):
    """题库导入: an uploaded question file, kept between the dry run and the confirmation."""

    scope_path_lookup = "organization__path"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        related_name="question_imports",
        verbose_name=_("导入到题库"),
    )
    file = models.FileField(_("文件"), upload_to=_import_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus, default=ImportStatus.PENDING
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("题库导入")
        verbose_name_plural = _("题库导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name or f"#{self.pk}"

    def scope_path(self) -> str:
        return self.organization.path
