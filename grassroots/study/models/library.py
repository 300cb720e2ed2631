from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import TimeStampedModel

from ..enums import MaterialKind


class MaterialTag(models.Model):
    name = models.CharField(_("标签"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("资料标签")
        verbose_name_plural = _("资料标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def material_upload_to(instance, filename: str) -> str:
    # The stored name never comes from the user: only the checked extension is kept.
    import uuid
    from pathlib import PurePath

    return f"study/materials/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Material(TimeStampedModel):
    """学习资料: a document, link or note in the library, visible in an organization's subtree."""

    scope_path_lookup = "organization__path"

    organization = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="+", verbose_name=_("所属组织")
    )
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=MaterialKind.choices)
    file = models.FileField(_("文件"), upload_to=material_upload_to, blank=True)
    file_kind = models.CharField(_("文件格式"), max_length=10, blank=True, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True, editable=False)
    link = models.URLField(_("链接"), max_length=500, blank=True)
    body = models.TextField(_("正文"), blank=True)
    summary = models.CharField(_("简介"), max_length=300, blank=True)
    tags = models.ManyToManyField(MaterialTag, blank=True, related_name="materials")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("学习资料")
        verbose_name_plural = _("学习资料")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="material_org_recent")]

    def __str__(self) -> str:
        return self.title

    def scope_path(self) -> str:
        return self.organization.path
