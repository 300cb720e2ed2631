"""Every write of a campaign's setup (测评设置), one function per action, atomic and
permission-checked: the campaign itself, its dimensions, scale, rater groups, subjects, named
raters and single-use tokens, and its moves (open, close, cancel).

What a campaign evaluates is fixed once it opens: dimensions, scale, groups and subjects change
while it is a draft only. Raters and tokens may still be added while it is open (a late rater,
more printed codes); a rater who has voted is never removed and a used token never revoked.

Another module (cadres, integrity) that runs a campaign of its own and has already checked its
own permission passes `check_permission=False`: the engine then trusts the caller and does not
ask whether `actor` holds `evaluations.manage_campaign` on the campaign's organization, nor
whether the people and units chosen lie in the actor's view. Pages never pass it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audited
from grassroots.core.permissions import objects_for, user_can
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person

from ..enums import (
    DEFAULT_GRADES,
    SCORE_SATISFIED_FROM,
    TRANSITIONS,
    CampaignStatus,
    ScaleKind,
    SubjectKind,
)
from ..models import (
    Campaign,
    Dimension,
    Rater,
    RaterGroup,
    Receipt,
    ScaleLevel,
    Subject,
    Token,
)

MANAGE = "evaluations.manage_campaign"
VIEW = "evaluations.view_campaign"
VIEW_PERSON = "orgs.view_person"
VIEW_ORG = "orgs.view_organization"
CAMPAIGN_FIELDS = ("title", "description", "subject_kind", "scale_kind", "opens_at", "closes_at")
TOKENS_MAX = 1000  # codes issued at once: a printed sheet, not a county's census
TOKENS_TOTAL_MAX = 100_000  # codes issued per subject at once, over all the subjects
CODE_BYTES = 16  # secrets.token_urlsafe(16): 22 characters, within Token.code's 32
WEIGHT_TOTAL = Decimal(100)


# --- Checks shared by the actions ---------------------------------------------------------------


def _require(actor, obj, check_permission: bool = True) -> None:
    if check_permission and not user_can(actor, MANAGE, obj):
        raise PermissionDenied(_("您没有权限管理该单位的测评。"))


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("organization").get(pk=campaign.pk)


def _require_draft(campaign: Campaign, message: str | None = None) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(
            message
            or _("测评当前状态为“%(status)s”，只有筹备中的测评可以修改此项。")
            % {"status": campaign.get_status_display()}
        )


def _require_running(campaign: Campaign) -> None:
    """Raters and tokens change while the campaign is a draft or open."""
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise ValidationError(
            _("测评当前状态为“%(status)s”，不能再调整测评人或测评码。")
            % {"status": campaign.get_status_display()}
        )


def _text(value, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("请填写%(label)s。") % {"label": label}]})
    if len(value) > max_length:
        raise ValidationError(
            {field: [_("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}]}
        )
    return value


def _decimal(value, field: str, *, low: Decimal, high: Decimal, low_open: bool = False) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("请填写数字。")]}) from None
    if number < low or number > high or (low_open and number == low):
        if low_open:
            message = _("应大于 %(low)s 且不超过 %(high)s。")
        else:
            message = _("应在 %(low)s 到 %(high)s 之间。")
        raise ValidationError({field: [message % {"low": low, "high": high}]})
    return number


def _own(campaign: Campaign, obj, field: str) -> None:
    """`obj` (a group, subject) belongs to `campaign`."""
    if obj is not None and obj.campaign_id != campaign.pk:
        raise ValidationError({field: [_("所选项目不属于本测评。")]})


def _clean(campaign: Campaign) -> None:
    errors: dict[str, list[str]] = {}
    campaign.title = (campaign.title or "").strip()
    campaign.description = (campaign.description or "").strip()
    if not campaign.title:
        errors["title"] = [_("请填写测评名称。")]
    elif len(campaign.title) > 120:
        errors["title"] = [_("测评名称不能超过 120 个字。")]
    if campaign.subject_kind not in SubjectKind.values:
        errors["subject_kind"] = [_("请选择测评对象类型。")]
    if campaign.scale_kind not in ScaleKind.values:
        errors["scale_kind"] = [_("请选择评价方式。")]
    if not campaign.opens_at:
        errors["opens_at"] = [_("请填写开始时间。")]
    if not campaign.closes_at:
        errors["closes_at"] = [_("请填写截止时间。")]
    if campaign.opens_at and campaign.closes_at and campaign.closes_at <= campaign.opens_at:
        errors["closes_at"] = [_("截止时间必须晚于开始时间。")]
    if errors:
        raise ValidationError(errors)


def _default_levels(campaign: Campaign) -> None:
    if campaign.scale_kind == ScaleKind.SCORE:
        rows = [
            ScaleLevel(
                campaign=campaign,
                label=str(value),
                points=value,
                satisfied=value >= SCORE_SATISFIED_FROM,
                sort_order=10 - value,  # the best first, as the grades
            )
            for value in range(10, 0, -1)
        ]
    else:
        rows = [
            ScaleLevel(
                campaign=campaign, label=str(label), points=points, satisfied=sat, sort_order=i
            )
            for i, (label, points, sat) in enumerate(DEFAULT_GRADES)
        ]
    ScaleLevel.objects.bulk_create(rows)


# --- The campaign --------------------------------------------------------------------------------


@audited
@transaction.atomic
def campaign_create(
    *,
    organization: Organization,
    title: str,
    subject_kind: str,
    scale_kind: str,
    opens_at: datetime,
    closes_at: datetime,
    actor,
    description: str = "",
    anonymous: bool = True,
    source: str = "",
    dimensions: Iterable[tuple] = (),
    groups: Iterable[tuple] = (),
    check_permission: bool = True,
) -> Campaign:
    """Create a draft campaign with the default scale of its kind (好/较好/一般/差, or 1 to 10),
    and the dimensions `[(name, weight)]` and rater groups `[(name, weight[, anonymous])]`
    given. `anonymous` is the default of a group given without its own flag. `source` names
    the module running it ("" for a campaign made on the engine's pages).

    `check_permission=False` is for a module that has checked its own permission before (a
    cadres officer creating the appraisal of a secondment): see the module docstring."""
    _require(actor, organization, check_permission)
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError({"organization": [_("不能为已撤销的单位组织测评。")]})
    campaign = Campaign(
        organization=organization,
        title=title,
        description=description,
        subject_kind=subject_kind,
        scale_kind=scale_kind,
        opens_at=opens_at,
        closes_at=closes_at,
        source=(source or "")[:40],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _clean(campaign)
    campaign.save()
    _default_levels(campaign)
    for order, (name, weight) in enumerate(dimensions or ()):
        _dimension_save(Dimension(campaign=campaign, sort_order=order), name, weight, "")
    for order, spec in enumerate(groups or ()):
        name, weight, *rest = spec
        flag = rest[0] if rest else anonymous
        _group_save(RaterGroup(campaign=campaign, sort_order=order), name, weight, flag)
    return campaign


@audited
@transaction.atomic
def campaign_update(
    *, campaign: Campaign, actor, check_permission: bool = True, **fields: Any
) -> Campaign:
    """Change a draft campaign's fields. An open campaign may only be given a later deadline
    (the window extended); a closed or cancelled one is as it was. A new scale kind replaces
    the scale with its defaults; a new subject kind is refused once subjects are listed."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    changes = {
        k: v for k, v in fields.items() if k in CAMPAIGN_FIELDS and getattr(campaign, k) != v
    }
    if campaign.status == CampaignStatus.OPEN:
        others = set(changes) - {"closes_at"}
        if others:
            raise ValidationError(_("测评已开始，只能延长截止时间。"))
        if "closes_at" in changes and changes["closes_at"] < campaign.closes_at:
            raise ValidationError({"closes_at": [_("测评已开始，截止时间只能延后。")]})
    elif campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(
            _("测评当前状态为“%(status)s”，不能修改。") % {"status": campaign.get_status_display()}
        )
    if not changes:
        return campaign
    if "subject_kind" in changes and Subject.objects.filter(campaign=campaign).exists():
        raise ValidationError(
            {"subject_kind": [_("已添加测评对象，不能再改变对象类型；请先移除全部对象。")]}
        )
    for key, value in changes.items():
        setattr(campaign, key, value)
    _clean(campaign)
    campaign.save(update_fields=[*changes, "updated_at"])
    if "scale_kind" in changes:
        ScaleLevel.objects.filter(campaign=campaign).delete()
        _default_levels(campaign)
    return campaign


# --- Moves: open, close, cancel -----------------------------------------------------------------


def open_problems(campaign: Campaign, now: datetime | None = None) -> list[str]:
    """What keeps a draft from opening, each as a sentence the manager can act on."""
    problems = []
    if not Subject.objects.filter(campaign=campaign).exists():
        problems.append(_("请至少添加一个测评对象。"))
    if not Dimension.objects.filter(campaign=campaign).exists():
        problems.append(_("请至少添加一个测评维度。"))
    if not ScaleLevel.objects.filter(campaign=campaign).exists():
        problems.append(_("请至少设置一个评价等次。"))
    groups = list(RaterGroup.objects.filter(campaign=campaign).order_by("sort_order", "id"))
    if not groups:
        problems.append(_("请至少添加一个测评人类别。"))
    else:
        total = sum((g.weight for g in groups), Decimal(0))
        if total != WEIGHT_TOTAL:
            problems.append(
                _("各测评人类别的权重合计应为 100%%，目前为 %(total)s%%。")
                % {"total": formats.number_format(total.normalize(), use_l10n=True)}
            )
        with_raters = set(
            Rater.objects.filter(campaign=campaign).values_list("group_id", flat=True).distinct()
        )
        with_tokens = set(
            Token.objects.filter(campaign=campaign, revoked=False, used=False)
            .values_list("group_id", flat=True)
            .distinct()
        )
        for group in groups:
            if group.pk not in with_raters | with_tokens:
                problems.append(
                    _("测评人类别“%(name)s”还没有测评人或测评码。") % {"name": group.name}
                )
    if campaign.closes_at <= (now or timezone.now()):
        problems.append(_("截止时间已过，请先延后截止时间。"))
    return problems


def _move(campaign: Campaign, to: str, actor, check_permission: bool) -> Campaign:
    campaign = _locked(campaign)
    codename = TRANSITIONS.get((campaign.status, to))
    if check_permission and not user_can(actor, codename or MANAGE, campaign):
        raise PermissionDenied(_("您没有权限管理该单位的测评。"))
    if codename is None:
        raise ValidationError(
            _("测评当前状态为“%(status)s”，不能进行此操作。")
            % {"status": campaign.get_status_display()}
        )
    campaign.status = to
    return campaign


def _my_evaluations_url() -> str:
    try:
        return reverse("evaluations:my_campaigns")
    except NoReverseMatch:  # the ballots part not installed yet
        return ""


def _notify_raters(campaign: Campaign, user_ids: Iterable[int] | None = None) -> None:
    """Tell the named raters (all, or those of `user_ids`) that the campaign is open."""
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    recipients = User.objects.filter(
        is_active=True, evaluation_raters__campaign_id=campaign.pk
    ).distinct()
    if user_ids is not None:
        recipients = recipients.filter(pk__in=list(user_ids))
    closes = formats.date_format(timezone.localtime(campaign.closes_at), "DATETIME_FORMAT")
    notify(
        recipients=recipients.order_by("pk").iterator(chunk_size=2000),
        kind="evaluations.campaign_open",
        title=_("请参加测评：%(title)s") % {"title": campaign.title},
        body=_("%(org)s组织的测评“%(title)s”已开始，截止时间 %(when)s。请在“我的测评”中完成评价。")
        % {"org": campaign.organization.name, "title": campaign.title, "when": closes},
        url=_my_evaluations_url(),
    )


@audited
@transaction.atomic
def campaign_open(
    *, campaign: Campaign, actor, check_permission: bool = True, now: datetime | None = None
) -> Campaign:
    """Open a ready draft (subjects, dimensions, scale, groups weighing 100% in all, each with
    raters or codes); its named raters are told once it is committed."""
    campaign = _move(campaign, CampaignStatus.OPEN, actor, check_permission)
    problems = open_problems(campaign, now)
    if problems:
        raise ValidationError(problems)
    campaign.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: _notify_raters(campaign))
    return campaign


@audited
@transaction.atomic
def campaign_close(
    *, campaign: Campaign, actor, check_permission: bool = True, now: datetime | None = None
) -> Campaign:
    """End an open campaign: no ballot is taken or changed after this."""
    campaign = _move(campaign, CampaignStatus.CLOSED, actor, check_permission)
    campaign.closed_at = now or timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    return campaign


@audited
@transaction.atomic
def campaign_cancel(
    *, campaign: Campaign, actor, check_permission: bool = True, now: datetime | None = None
) -> Campaign:
    """Cancel a draft or an open campaign; its ballots are kept but no result is published."""
    campaign = _move(campaign, CampaignStatus.CANCELLED, actor, check_permission)
    campaign.closed_at = now or timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    return campaign


# --- Dimensions ---------------------------------------------------------------------------------


def _dimension_save(dimension: Dimension, name, weight, description) -> Dimension:
    dimension.name = _text(name, "name", _("维度名称"), 60)
    dimension.weight = _decimal(weight, "weight", low=Decimal(0), high=Decimal(999), low_open=True)
    dimension.description = _text(description, "description", _("说明"), 200, required=False)
    taken = Dimension.objects.filter(campaign_id=dimension.campaign_id, name=dimension.name)
    if dimension.pk:
        taken = taken.exclude(pk=dimension.pk)
    if taken.exists():
        raise ValidationError({"name": [_("同一测评中维度名称不能重复。")]})
    dimension.save()
    return dimension


@transaction.atomic
def dimension_add(
    *,
    campaign: Campaign,
    name: str,
    actor,
    weight=1,
    description: str = "",
    check_permission: bool = True,
) -> Dimension:
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_draft(campaign)
    row = Dimension(campaign=campaign, sort_order=_next_order(Dimension, campaign))
    return _dimension_save(row, name, weight, description)


@transaction.atomic
def dimension_update(
    *,
    dimension: Dimension,
    name: str,
    weight,
    actor,
    description: str = "",
    check_permission: bool = True,
) -> Dimension:
    campaign = _locked(dimension.campaign)
    _require(actor, campaign, check_permission)
    _require_draft(campaign)
    return _dimension_save(dimension, name, weight, description)


@transaction.atomic
def dimension_remove(*, dimension: Dimension, actor, check_permission: bool = True) -> None:
    campaign = _locked(dimension.campaign)
    _require(actor, campaign, check_permission)
    _require_draft(campaign)
    dimension.delete()


# --- The scale -----------------------------------------------------------------------------------


@transaction.atomic
def level_update(
    *,
    level: ScaleLevel,
    label: str,
    points,
    satisfied: bool,
    actor,
    check_permission: bool = True,
) -> ScaleLevel:
    """Rename a level, change its points or whether it counts as satisfied (draft only)."""
    campaign = _locked(level.campaign)
    _require(actor, campaign, check_permission)
    _require_draft(campaign)
    level.label = _text(label, "label", _("等次名称"), 20)
    level.points = _decimal(points, "points", low=Decimal(0), high=Decimal(1000))
    level.satisfied = bool(satisfied)
    if (
        ScaleLevel.objects.filter(campaign=campaign, label=level.label)
        .exclude(pk=level.pk)
        .exists()
    ):
        raise ValidationError({"label": [_("同一测评中等次名称不能重复。")]})
    level.save(update_fields=["label", "points", "satisfied"])
    return level


# --- Rater groups --------------------------------------------------------------------------------


def _group_save(group: RaterGroup, name, weight, anonymous) -> RaterGroup:
    group.name = _text(name, "name", _("类别名称"), 40)
    group.weight = _decimal(weight, "weight", low=Decimal(0), high=WEIGHT_TOTAL)
    group.anonymous = bool(anonymous)
    taken = RaterGroup.objects.filter(campaign_id=group.campaign_id, name=group.name)
    if group.pk:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError({"name": [_("同一测评中类别名称不能重复。")]})
    group.save()
    return group


@transaction.atomic
def group_add(
    *,
    campaign: Campaign,
    name: str,
    weight,
    actor,
    anonymous: bool = True,
    check_permission: bool = True,
) -> RaterGroup:
    """A rater group (领导, 同事, 服务对象) with its weight in percent of the total."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_draft(campaign)
    row = RaterGroup(campaign=campaign, sort_order=_next_order(RaterGroup, campaign))
    return _group_save(row, name, weight, anonymous)


@transaction.atomic
def group_update(
    *,
    group: RaterGroup,
    name: str,
    weight,
    anonymous: bool,
    actor,
    check_permission: bool = True,
) -> RaterGroup:
    campaign = _locked(group.campaign)
    _require(actor, campaign, check_permission)
    _require_draft(campaign)
    return _group_save(group, name, weight, anonymous)


@transaction.atomic
def group_remove(*, group: RaterGroup, actor, check_permission: bool = True) -> None:
    """Remove a group with its raters and tokens (draft only)."""
    campaign = _locked(group.campaign)
    _require(actor, campaign, check_permission)
    _require_draft(campaign)
    group.delete()


def weight_total(campaign: Campaign) -> Decimal:
    total = RaterGroup.objects.filter(campaign=campaign).aggregate(s=Sum("weight"))["s"]
    return total or Decimal(0)


# --- Subjects ------------------------------------------------------------------------------------


def _next_order(model, campaign: Campaign) -> int:
    last = model.objects.filter(campaign=campaign).aggregate(m=Max("sort_order"))["m"]
    return 0 if last is None else last + 1


@transaction.atomic
def subjects_add_people(
    *, campaign: Campaign, people: Iterable[Person], actor, check_permission: bool = True
) -> list[Subject]:
    """Add people as subjects (draft only), labelled with their names; those already listed
    are skipped. Each must be an active person the actor may see."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_draft(campaign)
    if campaign.subject_kind != SubjectKind.PERSON:
        raise ValidationError(_("本测评的对象是单位，不能添加人员。"))
    ids = _ids(people)
    if not ids:
        raise ValidationError(_("请选择要添加的人员。"))
    found = Person.objects.filter(pk__in=ids, status=PersonStatus.ACTIVE)
    if check_permission:
        found = objects_for(actor, VIEW_PERSON, found)
    found = list(found.order_by("primary_org__path", "name_pinyin", "pk"))
    if len(found) != len(ids):
        raise ValidationError(_("所选人员中有不在您查看范围内或已不在册的人员，请重新选择。"))
    return _subjects_create(campaign, "person", found)


@transaction.atomic
def subjects_add_organizations(
    *,
    campaign: Campaign,
    organizations: Iterable[Organization],
    actor,
    check_permission: bool = True,
) -> list[Subject]:
    """Add units as subjects (draft only), labelled with their names; those already listed
    are skipped. Each must be an active organization the actor may see."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_draft(campaign)
    if campaign.subject_kind != SubjectKind.ORGANIZATION:
        raise ValidationError(_("本测评的对象是人员，不能添加单位。"))
    ids = _ids(organizations)
    if not ids:
        raise ValidationError(_("请选择要添加的单位。"))
    found = Organization.objects.filter(pk__in=ids, status=OrgStatus.ACTIVE)
    if check_permission:
        found = objects_for(actor, VIEW_ORG, found)
    found = list(found.order_by("path"))
    if len(found) != len(ids):
        raise ValidationError(_("所选单位中有不在您查看范围内或已撤销的单位，请重新选择。"))
    return _subjects_create(campaign, "organization", found)


def _ids(objects) -> set[int]:
    return {int(getattr(o, "pk", o)) for o in objects or [] if o}


def _subjects_create(campaign: Campaign, field: str, found: list) -> list[Subject]:
    """Subjects for `found` (people or units, by `field`) in that order, after those listed,
    labelled with their names; those already listed are skipped."""
    listed = set(
        Subject.objects.filter(
            campaign=campaign, **{f"{field}_id__in": [o.pk for o in found]}
        ).values_list(f"{field}_id", flat=True)
    )
    order = _next_order(Subject, campaign)
    rows = [
        Subject(campaign=campaign, label=o.name[:120], sort_order=order + i, **{field: o})
        for i, o in enumerate(o for o in found if o.pk not in listed)
    ]
    return Subject.objects.bulk_create(rows)


@transaction.atomic
def subject_remove(*, subject: Subject, actor, check_permission: bool = True) -> None:
    """Remove a subject with its own raters and tokens (draft only)."""
    campaign = _locked(subject.campaign)
    _require(actor, campaign, check_permission)
    _require_draft(campaign)
    subject.delete()


# --- Named raters --------------------------------------------------------------------------------


@transaction.atomic
def raters_add(
    *,
    campaign: Campaign,
    group: RaterGroup,
    users: Iterable,
    actor,
    subject: Subject | None = None,
    check_permission: bool = True,
) -> list[Rater]:
    """Make accounts raters of a group, for every subject (`subject=None`) or for one (while
    the campaign is open too: the new raters are told it is open). An
    account already rating every subject, or already rating this one, is skipped; one rating
    some subjects only cannot also rate them all (remove those first). Each account must be
    active, of a person the actor may see."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_running(campaign)
    _own(campaign, group, "group")
    _own(campaign, subject, "subject")
    ids = {int(getattr(u, "pk", u)) for u in users or [] if u}
    if not ids:
        raise ValidationError({"users": [_("请选择测评人账号。")]})
    return _raters_create(
        campaign, [(group, uid, subject) for uid in sorted(ids)], actor, check_permission
    )


@transaction.atomic
def raters_add_many(
    *,
    campaign: Campaign,
    assignments: Iterable[tuple[RaterGroup, Any, Subject | None]],
    actor,
    check_permission: bool = True,
) -> list[Rater]:
    """Many raters at once, each `(group, account, subject or None)`, in a fixed number of
    queries whatever their number: for a module that names the raters of each of its subjects
    (a cadre's host leader rates that cadre). The checks and skips of `raters_add` apply to
    each; an account given twice for the same subject is made a rater once, in the group
    given first, and an account given for every subject is not also made a rater of one.
    Nothing given, nothing made."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_running(campaign)
    wanted = []
    for group, user, subject in assignments or ():
        if not user:
            continue
        _own(campaign, group, "group")
        _own(campaign, subject, "subject")
        wanted.append((group, int(getattr(user, "pk", user)), subject))
    if not wanted:
        return []
    return _raters_create(campaign, wanted, actor, check_permission)


def _raters_create(campaign: Campaign, wanted: list[tuple], actor, check_permission) -> list[Rater]:
    """The raters `wanted` ((group, user id, subject) of the locked `campaign`), less those
    already rating, after checking the accounts: a few queries whatever their number."""
    from grassroots.accounts.models import User

    ids = {uid for _group, uid, _subject in wanted}
    found = User.objects.filter(pk__in=ids, is_active=True)
    if check_permission:
        people = objects_for(actor, VIEW_PERSON, Person.objects.all())
        found = found.filter(person__in=people)
    if found.count() != len(ids):
        raise ValidationError(
            {"users": [_("所选账号中有已停用或不在您查看范围内的账号，请重新选择。")]}
        )
    existing = Rater.objects.filter(campaign=campaign, user_id__in=ids)
    rated = set(existing.values_list("user_id", "subject_id"))  # (user, None): every subject
    rating_all = {uid for uid, subject_id in rated if subject_id is None}
    for_all = {uid for _group, uid, subject in wanted if subject is None}
    partial = {uid for uid, subject_id in rated if subject_id is not None} & for_all
    if partial:
        names = sorted(User.objects.filter(pk__in=partial).values_list("username", flat=True))
        raise ValidationError(
            {
                "users": [
                    _("%(names)s 已是部分对象的测评人，请先移除后再设为全部对象的测评人。")
                    % {"names": _("、").join(names)}
                ]
            }
        )
    rows = []
    for group, uid, subject in wanted:
        key = (uid, subject.pk if subject is not None else None)
        if uid in rating_all or (subject is not None and uid in for_all) or key in rated:
            continue
        rated.add(key)
        rows.append(Rater(campaign=campaign, group=group, user_id=uid, subject=subject))
    created = Rater.objects.bulk_create(rows)
    if created and campaign.status == CampaignStatus.OPEN:
        # A rater added to an open campaign is told as those named before it opened were.
        added = sorted({r.user_id for r in created})
        transaction.on_commit(lambda: _notify_raters(campaign, added))
    return created


@transaction.atomic
def rater_remove(*, rater: Rater, actor, check_permission: bool = True) -> None:
    """Remove a named rater while the campaign is a draft, or while it is open if they have not
    voted yet (their ballots would go with them)."""
    campaign = _locked(rater.campaign)
    _require(actor, campaign, check_permission)
    _require_running(campaign)
    # Locked: a vote recorded at this instant waits for this transaction, then fails.
    rater = Rater.objects.select_for_update().filter(pk=rater.pk).first()
    if rater is None:
        return
    if Receipt.objects.filter(rater=rater).exists():
        raise ValidationError(_("该测评人已经投票，不能移除。"))
    rater.delete()


# --- Tokens (测评码) ----------------------------------------------------------------------------


def _new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)[:32]


@transaction.atomic
def tokens_issue(
    *,
    campaign: Campaign,
    group: RaterGroup,
    count: int,
    actor,
    subject: Subject | None = None,
    check_permission: bool = True,
) -> list[Token]:
    """Issue `count` single-use codes of a group, for every subject or for one, numbered on
    from the campaign's last serial (the campaign row is locked, so two issues at once number
    on from each other). Allowed while the campaign is a draft or open."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_running(campaign)
    _own(campaign, group, "group")
    _own(campaign, subject, "subject")
    return _tokens_create(campaign, group, _token_count(count), [subject])


@transaction.atomic
def tokens_issue_per_subject(
    *,
    campaign: Campaign,
    group: RaterGroup,
    count: int,
    subjects: Iterable[Subject],
    actor,
    check_permission: bool = True,
) -> list[Token]:
    """Issue `count` codes of a group for each of `subjects` (codes printed per subject),
    numbered on from the campaign's last serial subject after subject, in one write whatever
    the number of subjects; the rules of `tokens_issue` apply. Nothing given, nothing issued."""
    _require(actor, campaign, check_permission)
    campaign = _locked(campaign)
    _require_running(campaign)
    _own(campaign, group, "group")
    count = _token_count(count)
    subjects = list(dict.fromkeys(subjects or ()))  # a subject given twice gets its codes once
    for subject in subjects:
        _own(campaign, subject, "subject")
    if not subjects:
        return []
    if count * len(subjects) > TOKENS_TOTAL_MAX:
        raise ValidationError(
            {
                "count": [
                    _("一次最多发放 %(n)d 个测评码，请减少每个对象的数量或分批发放。")
                    % {"n": TOKENS_TOTAL_MAX}
                ]
            }
        )
    return _tokens_create(campaign, group, count, subjects)


def _token_count(count) -> int:
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= TOKENS_MAX:
        raise ValidationError(
            {"count": [_("一次可发放 1 到 %(n)d 个测评码。") % {"n": TOKENS_MAX}]}
        )
    return count


def _tokens_create(
    campaign: Campaign, group: RaterGroup, count: int, subjects: list
) -> list[Token]:
    """`count` codes for each of `subjects` (None: every subject) of the locked `campaign`, the
    serials following the campaign's last: the lock keeps two issues from taking the same."""
    last = Token.objects.filter(campaign=campaign).aggregate(m=Max("serial"))["m"] or 0
    rows = [
        Token(campaign=campaign, group=group, subject=subject, serial=last + n, code=_new_code())
        for n, subject in enumerate(
            (subject for subject in subjects for _i in range(count)), start=1
        )
    ]
    return Token.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic
def token_revoke(*, token: Token, actor, check_permission: bool = True) -> Token:
    """Void an unused code (lost, handed to the wrong person). A used code stays: its ballot
    counts."""
    campaign = _locked(token.campaign)
    _require(actor, campaign, check_permission)
    _require_running(campaign)
    token = Token.objects.select_for_update().get(pk=token.pk)
    if token.used:
        raise ValidationError(_("该测评码已经使用，不能作废。"))
    if token.revoked:
        raise ValidationError(_("该测评码已作废。"))
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token
