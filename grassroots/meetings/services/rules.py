"""Writes of the compliance rules (组织生活要求): add, change, switch off and on again.

The rules hold for every organization of their kind, so only who holds meetings.manage_rules
over the whole tree may change them (as the yearly study targets)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grassroots.accounts.selectors import holds_everywhere
from grassroots.core.audit import audited
from grassroots.orgs.models import OrganizationKind

from ..enums import Period
from ..models import ComplianceRule, MeetingKind

MANAGE_RULES = "meetings.manage_rules"
MAX_COUNT = 99  # more than any period could hold of one kind of meeting: a typo


def may_manage_rules(user) -> bool:
    return holds_everywhere(user, MANAGE_RULES)


def _require(actor) -> None:
    if not may_manage_rules(actor):
        raise PermissionDenied(
            _("只有对全部组织拥有“设置组织生活合规规则”权限的人员可以修改规则。")
        )


def _clean(rule: ComplianceRule) -> None:
    errors: dict[str, list[str]] = {}
    if rule.period not in Period.values:
        errors.setdefault("period", []).append(_("请选择周期：每月、每季度或每年。"))
    if not isinstance(rule.min_count, int) or not 1 <= rule.min_count <= MAX_COUNT:
        errors.setdefault("min_count", []).append(
            _("最少次数应为 1 到 %(max)d 之间的整数。") % {"max": MAX_COUNT}
        )
    if rule.is_active and rule.meeting_kind_id and not rule.meeting_kind.is_active:
        errors.setdefault("meeting_kind", []).append(_("该会议类别已停用。"))
    if (
        rule.org_kind_id
        and rule.meeting_kind_id
        and ComplianceRule.objects.filter(
            org_kind_id=rule.org_kind_id, meeting_kind_id=rule.meeting_kind_id
        )
        .exclude(pk=rule.pk)
        .exists()
    ):
        errors.setdefault("meeting_kind", []).append(_("该组织类别已有这一会议类别的规则。"))
    if errors:
        raise ValidationError(errors)


def _save(rule: ComplianceRule) -> ComplianceRule:
    _clean(rule)
    try:
        with transaction.atomic():  # a concurrent twin: the unique pair decides
            rule.save()
    except IntegrityError:
        raise ValidationError({"meeting_kind": [_("该组织类别已有这一会议类别的规则。")]}) from None
    return rule


@audited
@transaction.atomic
def rule_create(
    *,
    org_kind: OrganizationKind,
    meeting_kind: MeetingKind,
    period: str,
    min_count: int,
    actor,
) -> ComplianceRule:
    _require(actor)
    return _save(
        ComplianceRule(
            org_kind=org_kind, meeting_kind=meeting_kind, period=period, min_count=min_count
        )
    )


@audited
@transaction.atomic
def rule_update(
    *,
    rule: ComplianceRule,
    org_kind: OrganizationKind,
    meeting_kind: MeetingKind,
    period: str,
    min_count: int,
    is_active: bool,
    actor,
) -> ComplianceRule:
    _require(actor)
    rule = ComplianceRule.objects.select_for_update().get(pk=rule.pk)
    rule.org_kind, rule.meeting_kind = org_kind, meeting_kind
    rule.period, rule.min_count, rule.is_active = period, min_count, is_active
    return _save(rule)


@audited
@transaction.atomic
def rule_set_active(*, rule: ComplianceRule, active: bool, actor) -> ComplianceRule:
    """Switch a rule off (kept, no longer checked) or on again."""
    _require(actor)
    rule = ComplianceRule.objects.select_for_update().select_related("meeting_kind").get(pk=rule.pk)
    if rule.is_active == active:
        return rule
    rule.is_active = active
    if active:
        _clean(rule)
    rule.save(update_fields=["is_active"])
    return rule
