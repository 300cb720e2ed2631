"""Writes of the materials library (学习资料): publish, edit and delete documents, links and notes,
with their tags. Only holders of study.manage_material on the organization may write."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import user_can
from grassroots.core.uploads import DOCUMENT_KINDS, check_file
from grassroots.orgs.models import Organization

from ..enums import MaterialKind
from ..models import Material, MaterialTag
from .reflections import plain_text

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MAX_TAGS = 10
TAG_MAX_LENGTH = MaterialTag._meta.get_field("name").max_length
# Commas (half- and full-width), the enumeration comma 、, semicolons and any whitespace.
_TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _require(actor, obj) -> None:
    if not user_can(actor, "study.manage_material", obj):
        raise PermissionDenied(_("您没有权限管理该组织的学习资料。"))


def parse_tags(text: str) -> list[str]:
    """Tag names from what a manager typed: split on commas, 、 or spaces; full-width letters and
    digits folded (NFKC), Latin letters lower-cased, a leading # dropped, duplicates once."""
    names: list[str] = []
    for raw in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", plain_text(text or ""))):
        name = raw.strip().lstrip("#").strip().lower()
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {
                    "tags": _("标签“%(tag)s”过长：每个标签不超过 %(n)d 个字。")
                    % {"tag": name[:TAG_MAX_LENGTH] + "…", "n": TAG_MAX_LENGTH}
                }
            )
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("标签最多 %(n)d 个。") % {"n": MAX_TAGS}})
    return names


def _tags_named(names: list[str]) -> list[MaterialTag]:
    existing = {t.name: t for t in MaterialTag.objects.filter(name__in=names)}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            # get_or_create: another manager may create the same new tag at the same moment.
            tag, _created = MaterialTag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def _original_name(uploaded) -> str:
    name = PurePath(str(getattr(uploaded, "name", "") or "").replace("\\", "/")).name
    name = "".join(ch for ch in plain_text(name) if ch not in "\n\t")
    return name[-200:] if len(name) > 200 else name


def _apply(
    material: Material,
    *,
    title: str,
    kind: str,
    file,
    link: str,
    body: str,
    summary: str,
) -> str | None:
    """Check and set the fields of a material; return the stored file to delete after commit
    (replaced, or no longer a document), if any. The upload is checked by name, size and first
    bytes; the fields that do not belong to the kind are emptied."""
    errors: dict[str, list] = {}
    material.title = plain_text(title or "").replace("\n", " ").strip()
    material.summary = plain_text(summary or "").replace("\n", " ").strip()
    material.link = (link or "").strip()
    material.body = plain_text(body or "")
    if kind not in MaterialKind.values:
        errors["kind"] = [_("请选择资料类型。")]
    if not material.title:
        errors["title"] = [_("请填写标题。")]
    material.kind = kind
    old_file = material.file.name if material.file else None
    to_delete = None
    if kind == MaterialKind.DOCUMENT:
        if file:
            try:
                material.file_kind = check_file(file, DOCUMENT_KINDS, MATERIAL_MAX_BYTES)
            except ValidationError as exc:
                errors["file"] = exc.messages
            else:
                material.original_name = _original_name(file)
                material.file = file
                to_delete = old_file
        elif not old_file:
            errors["file"] = [_("请上传文件（PDF、Word 或纯文本）。")]
        material.link = ""
        material.body = ""
    else:
        if old_file:
            to_delete = old_file
        material.file = None
        material.file_kind = ""
        material.original_name = ""
        if kind == MaterialKind.LINK:
            material.body = ""
            if not material.link:
                errors["link"] = [_("请填写链接地址。")]
            elif not re.match(r"^https?://", material.link, re.IGNORECASE):
                errors["link"] = [_("链接须以 http:// 或 https:// 开头。")]
        elif kind == MaterialKind.NOTE:
            material.link = ""
            if not material.body.strip():
                errors["body"] = [_("请填写正文。")]
    if errors:
        raise ValidationError(errors)
    material.full_clean(exclude=["file", "organization", "created_by", "tags"])
    return to_delete


def _check_organization(organization: Organization) -> None:
    if not organization.is_active:
        raise ValidationError({"organization": _("不能向已撤销的组织发布资料。")})


def _delete_file_on_commit(name: str | None) -> None:
    if name:
        storage = Material._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


@audited
@transaction.atomic
def material_create(
    *,
    organization: Organization,
    title: str,
    kind: str,
    file=None,
    link: str = "",
    body: str = "",
    summary: str = "",
    tags: str = "",
    actor,
) -> Material:
    """Publish a material: everyone whose organization is `organization` or below it sees it."""
    _require(actor, organization)
    _check_organization(organization)
    material = Material(organization=organization, created_by=actor)
    names = parse_tags(tags)
    _apply(material, title=title, kind=kind, file=file, link=link, body=body, summary=summary)
    material.save()
    material.tags.set(_tags_named(names))
    return material


@audited
@transaction.atomic
def material_update(
    *,
    material: Material,
    organization: Organization | None = None,
    title: str,
    kind: str,
    file=None,
    link: str = "",
    body: str = "",
    summary: str = "",
    tags: str = "",
    actor,
) -> Material:
    """Edit a material; moving it to another organization needs the permission on both."""
    _require(actor, material)
    locked = Material.objects.select_for_update().select_related("organization").get(pk=material.pk)
    if organization is not None and organization.pk != locked.organization_id:
        _require(actor, organization)
        _check_organization(organization)
        locked.organization = organization
    names = parse_tags(tags)
    to_delete = _apply(
        locked, title=title, kind=kind, file=file, link=link, body=body, summary=summary
    )
    locked.save()
    locked.tags.set(_tags_named(names))
    _delete_file_on_commit(to_delete)
    return locked


@audited
@transaction.atomic
def material_delete(*, material: Material, actor) -> None:
    """Delete a material and its file. Reflections written on it stay, without the link."""
    _require(actor, material)
    locked = Material.objects.select_for_update().get(pk=material.pk)
    name = locked.file.name if locked.file else None
    locked.delete()
    _delete_file_on_commit(name)
