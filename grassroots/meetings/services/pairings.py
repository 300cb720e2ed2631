"""Every write of pairings (挂点联系 / 结对共建): create, change, end early.

A pairing belongs to the unit side: meetings.manage_pairing on the unit's organization decides
who may write it; the partner side only sees it. Two pairings of the same unit and partner may
not overlap in time: the check runs under a lock on the unit's row, so two managers saving at
the same moment cannot both pass it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import user_can
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization

from ..enums import PairingKind
from ..models import Pairing

MANAGE = "meetings.manage_pairing"
FIELDS = (
    "kind",
    "unit",
    "partner",
    "unit_contact",
    "partner_contact",
    "starts_on",
    "ends_on",
    "goals",
)


def _require(actor, obj) -> None:
    if not user_can(actor, MANAGE, obj):
        raise PermissionDenied(_("您没有权限管理该单位的结对共建。"))


def effective_end(pairing: Pairing) -> date:
    """The last day of the pairing: the early end when there is one."""
    return pairing.ended_early_on or pairing.ends_on


def _clean(pairing: Pairing, *, changed_sides: set[str]) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    pairing.goals = (pairing.goals or "").strip()
    if pairing.kind not in PairingKind.values:
        add("kind", _("请选择类型。"))
    if not pairing.unit_id:
        add("unit", _("请选择派出单位。"))
    if not pairing.partner_id:
        add("partner", _("请选择联系对象。"))
    if pairing.unit_id and pairing.partner_id and pairing.unit_id == pairing.partner_id:
        add("partner", _("派出单位和联系对象不能是同一个组织。"))
    for side in ("unit", "partner"):
        org = getattr(pairing, side) if getattr(pairing, f"{side}_id") else None
        if org is not None and side in changed_sides and org.status != OrgStatus.ACTIVE:
            add(side, _("“%(org)s”已撤销，不能建立结对。") % {"org": org.name})
    if not pairing.starts_on:
        add("starts_on", _("请填写开始日期。"))
    if not pairing.ends_on:
        add("ends_on", _("请填写结束日期。"))
    if pairing.starts_on and pairing.ends_on and pairing.ends_on <= pairing.starts_on:
        add("ends_on", _("结束日期应晚于开始日期。"))
    if pairing.ended_early_on and pairing.ends_on and pairing.ended_early_on > pairing.ends_on:
        add(
            "ends_on",
            _("该结对已于 %(d)s 提前结束，结束日期不能早于该日。")
            % {"d": pairing.ended_early_on.isoformat()},
        )
    for side, label in (("unit", _("派出单位")), ("partner", _("联系对象"))):
        contact_field = f"{side}_contact"
        if not getattr(pairing, f"{contact_field}_id"):
            add(contact_field, _("请选择%(side)s负责人。") % {"side": label})
            continue
        org = getattr(pairing, side) if getattr(pairing, f"{side}_id") else None
        contact = getattr(pairing, contact_field)
        if contact.status != PersonStatus.ACTIVE:
            add(contact_field, _("%(name)s 已不在册，请另选负责人。") % {"name": contact.name})
        elif org is not None and not contact.primary_org.path.startswith(org.path):
            add(
                contact_field,
                _("%(name)s 不是%(org)s（含下级组织）的人员，请另选负责人。")
                % {"name": contact.name, "org": org.name},
            )
    if not errors:
        clash = _overlapping(pairing)
        if clash is not None:
            add(
                "starts_on",
                _(
                    "%(unit)s 与 %(partner)s 已有 %(start)s 至 %(end)s 的结对，"
                    "同一单位与同一对象的结对时间不能重叠。"
                )
                % {
                    "unit": pairing.unit.name,
                    "partner": pairing.partner.name,
                    "start": clash.starts_on.isoformat(),
                    "end": effective_end(clash).isoformat(),
                },
            )
    if errors:
        raise ValidationError(errors)


def _overlapping(pairing: Pairing) -> Pairing | None:
    end = effective_end(pairing)
    return (
        Pairing.objects.filter(unit_id=pairing.unit_id, partner_id=pairing.partner_id)
        .exclude(pk=pairing.pk)
        .alias(last_day=Coalesce(F("ended_early_on"), F("ends_on")))
        .filter(Q(starts_on__lte=end) & Q(last_day__gte=pairing.starts_on))
        .order_by("starts_on")
        .first()
    )


def _lock_unit(unit_id: int) -> None:
    """Serialize the writes of one unit's pairings (the overlap check reads, then writes)."""
    list(Organization.objects.select_for_update().filter(pk=unit_id).values_list("pk"))


@audited
@transaction.atomic
def pairing_create(*, actor, **fields: Any) -> Pairing:
    pairing = Pairing(created_by=actor, **{k: v for k, v in fields.items() if k in FIELDS})
    if not pairing.unit_id:
        raise ValidationError({"unit": [_("请选择派出单位。")]})
    _require(actor, pairing.unit)
    _lock_unit(pairing.unit_id)
    _clean(pairing, changed_sides={"unit", "partner"})
    pairing.save()
    return pairing


@audited
@transaction.atomic
def pairing_update(*, pairing: Pairing, actor, **fields: Any) -> Pairing:
    _require(actor, pairing)
    new_unit = fields.get("unit")
    if new_unit is not None and new_unit.pk != pairing.unit_id:
        _require(actor, new_unit)  # moving it to another unit needs that unit's permission too
    _lock_unit(pairing.unit_id)
    if new_unit is not None and new_unit.pk != pairing.unit_id:
        _lock_unit(new_unit.pk)
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    changed = set()
    for key, value in fields.items():
        if key not in FIELDS:
            continue
        if key in ("unit", "partner") and getattr(pairing, f"{key}_id") != value.pk:
            changed.add(key)
        setattr(pairing, key, value)
    _clean(pairing, changed_sides=changed)
    pairing.save()
    return pairing


@audited
@transaction.atomic
def pairing_end_early(*, pairing: Pairing, ended_on: date, actor) -> Pairing:
    """End a pairing before its term: `ended_on` is its last day."""
    _require(actor, pairing)
    _lock_unit(pairing.unit_id)
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.ended_early_on:
        raise ValidationError(
            _("该结对已于 %(d)s 提前结束。") % {"d": pairing.ended_early_on.isoformat()}
        )
    if ended_on is None:
        raise ValidationError({"ended_on": [_("请填写结束日期。")]})
    if not (pairing.starts_on <= ended_on < pairing.ends_on):
        raise ValidationError(
            {
                "ended_on": [
                    _("提前结束日期应不早于开始日期 %(start)s，且早于原定结束日期 %(end)s。")
                    % {
                        "start": pairing.starts_on.isoformat(),
                        "end": pairing.ends_on.isoformat(),
                    }
                ]
            }
        )
    pairing.ended_early_on = ended_on
    pairing.save(update_fields=["ended_early_on", "updated_at"])
    return pairing
