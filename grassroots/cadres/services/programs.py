"""Writes of a secondment program (挂职批次) before selection: the program itself with its
sending units, the posts host units offer, the cadre groups, the pre-dispatch trainings, and the
first two transitions: publishing the call (DRAFT → RECRUITING) and closing it (RECRUITING →
SELECTING). The later transitions belong to the approval and placement services."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.core import permissions
from grassroots.core.audit import audited
from grassroots.core.permissions import objects_for, subtree_q
from grassroots.orgs.enums import OrgStatus, PersonStatus, Rank
from grassroots.orgs.models import Organization, Person

from ..enums import PROGRAM_TRANSITIONS, ProgramStatus, SecondmentStatus
from ..models import CadreGroup, Post, Program, ProgramTraining

VIEW = "cadres.view_program"
MANAGE = "cadres.manage_program"
VIEW_PERSON = "orgs.view_person"

PROGRAM_FIELDS = ("title", "starts_on", "ends_on", "notice", "call_opens_at", "call_closes_at")
# Once the call is out, the people have read the term and the posts: only the notice and the
# end of the call may still change (an extension, a correction).
EDITABLE_WHILE = {
    ProgramStatus.DRAFT: set(PROGRAM_FIELDS) | {"sending_units"},
    ProgramStatus.RECRUITING: {"notice", "call_closes_at"},
}
POST_FIELDS = (
    "host",
    "title",
    "duties",
    "places",
    "min_education",
    "political_status",
    "max_age",
    "min_rank",
    "max_rank",
    "expertise",
    "host_leader",
    "sort_order",
)
# While candidates are matched, a post may still gain places or change its leader and duties.
POST_FIELDS_SELECTING = {"duties", "places", "host_leader", "sort_order"}
POST_EDITABLE = (ProgramStatus.DRAFT, ProgramStatus.RECRUITING, ProgramStatus.SELECTING)
NOTIFY_BATCH = 1000
RANK_ORDER = list(Rank.values)  # highest first


def _require(actor, program: Program, codename: str = MANAGE) -> None:
    if not permissions.covers(actor, codename, program.organization.path):
        raise PermissionDenied(_("您没有权限管理该挂职批次。"))


def _locked(program: Program) -> Program:
    return (
        Program.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=program.pk)
    )


def unit_choices(actor):
    """Organizations an officer may name as sending or host units: active ones in the scope
    where they manage programs."""
    return objects_for(actor, MANAGE, Organization.objects.filter(status=OrgStatus.ACTIVE))


def _check_units(actor, units: Iterable[Organization], field: str) -> list[Organization]:
    units = [u for u in units or [] if u is not None]
    ids = {u.pk for u in units}
    if ids and unit_choices(actor).filter(pk__in=ids).count() != len(ids):
        raise ValidationError({field: [_("所选单位不在您的管理范围内或已撤销。")]})
    return units


def _check_person(actor, person: Person | None, field: str) -> None:
    if person is None:
        return
    visible = objects_for(
        actor,
        VIEW_PERSON,
        Person.objects.filter(pk=person.pk, status=PersonStatus.ACTIVE),
        own=True,
    ).exists()
    if not visible:
        raise ValidationError({field: [_("所选人员不在您的查看范围内或已不在册，请重新选择。")]})


def _clean_program(program: Program) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    program.title = (program.title or "").strip()
    program.notice = (program.notice or "").strip()
    if not program.title:
        add("title", _("请填写批次名称。"))
    if not program.starts_on:
        add("starts_on", _("请填写挂职开始日期。"))
    if not program.ends_on:
        add("ends_on", _("请填写挂职结束日期。"))
    if program.starts_on and program.ends_on and program.ends_on <= program.starts_on:
        add("ends_on", _("挂职结束日期必须晚于开始日期。"))
    opens, closes = program.call_opens_at, program.call_closes_at
    if opens and closes and closes <= opens:
        add("call_closes_at", _("报名截止时间必须晚于报名开始时间。"))
    if closes and program.starts_on and timezone.localdate(closes) > program.starts_on:
        add("call_closes_at", _("报名截止时间不能晚于挂职开始日期。"))
    if errors:
        raise ValidationError(errors)


@audited
@transaction.atomic
def program_create(
    *,
    organization: Organization,
    actor,
    sending_units: Iterable[Organization] = (),
    **fields: Any,
) -> Program:
    """A new program in preparation (筹备中) run by `organization`, with its sending units."""
    if not permissions.covers(actor, MANAGE, organization.path):
        raise PermissionDenied(_("您没有权限在该组织下设置挂职批次。"))
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError({"organization": [_("该组织已撤销。")]})
    program = Program(
        organization=organization,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        public_key=secrets.token_urlsafe(16),
        **{k: v for k, v in fields.items() if k in PROGRAM_FIELDS},
    )
    _clean_program(program)
    units = _check_units(actor, sending_units, "sending_units")
    program.save()
    program.sending_units.set(units)
    return program


@audited
@transaction.atomic
def program_update(
    *,
    program: Program,
    actor,
    sending_units: Iterable[Organization] | None = None,
    **fields: Any,
) -> Program:
    """Change a program: everything while in preparation; the notice and the end of the call
    while the call is open; nothing after."""
    _require(actor, program)
    program = _locked(program)
    allowed = EDITABLE_WHILE.get(program.status)
    if allowed is None:
        raise ValidationError(
            _("挂职批次当前状态为“%(status)s”，不能再修改。")
            % {"status": program.get_status_display()}
        )
    changed = [k for k in PROGRAM_FIELDS if k in fields and fields[k] != getattr(program, k)]
    units = None
    if sending_units is not None:
        units = _check_units(actor, sending_units, "sending_units")
        current = set(program.sending_units.values_list("pk", flat=True))
        if {u.pk for u in units} != current:
            changed.append("sending_units")
        else:
            units = None
    refused = [k for k in changed if k not in allowed]
    if refused:
        raise ValidationError(_("选派通知发布后，只能修改通知内容和报名截止时间。"))
    for key in changed:
        if key != "sending_units":
            setattr(program, key, fields[key])
    _clean_program(program)
    if program.status == ProgramStatus.RECRUITING and "call_closes_at" in changed:
        if program.call_closes_at is None or program.call_closes_at <= timezone.now():
            raise ValidationError({"call_closes_at": [_("报名截止时间必须晚于当前时间。")]})
    program.save(update_fields=[*PROGRAM_FIELDS, "updated_at"])
    if units is not None:
        program.sending_units.set(units)
    return program


# --- Transitions -----------------------------------------------------------------------------


def _move(program: Program, to: str, actor) -> Program:
    """Lock the program, check the move is declared and the actor holds its codename."""
    locked = _locked(program)
    codename = PROGRAM_TRANSITIONS.get((locked.status, to))
    if codename is None:
        raise ValidationError(
            _("挂职批次当前状态为“%(current)s”，不能变为“%(target)s”。")
            % {
                "current": ProgramStatus(locked.status).label,
                "target": ProgramStatus(to).label,
            },
            code="illegal_transition",
        )
    _require(actor, locked, codename)
    return locked


def publish_problems(program: Program, now: datetime | None = None) -> list[str]:
    """What keeps a program in preparation from publishing its call (empty: nothing)."""
    now = now or timezone.now()
    problems = []
    if not program.posts.exists():
        problems.append(_("请先设置挂职岗位。"))
    if not program.sending_units.exists():
        problems.append(_("请先选择选派单位。"))
    if not program.call_closes_at:
        problems.append(_("请先设置报名截止时间。"))
    elif program.call_closes_at <= now:
        problems.append(_("报名截止时间已过，请重新设置。"))
    if not program.notice.strip():
        problems.append(_("请填写选派通知。"))
    return problems


@audited
@transaction.atomic
def program_publish(*, program: Program, actor, now: datetime | None = None) -> Program:
    """发布选派通知: the call opens (now, unless a later opening was set) and every eligible person
    with an account is told, after commit and in batches."""
    now = now or timezone.now()
    program = _move(program, ProgramStatus.RECRUITING, actor)
    problems = publish_problems(program, now)
    if problems:
        raise ValidationError(problems)
    program.status = ProgramStatus.RECRUITING
    if not program.call_opens_at:
        program.call_opens_at = now
    program.save(update_fields=["status", "call_opens_at", "updated_at"])
    program_id = program.pk
    transaction.on_commit(lambda: notify_call(program_id))
    return program


@audited
@transaction.atomic
def program_close_call(*, program: Program, actor) -> Program:
    """报名截止: no more applications; the officers match candidates to posts."""
    program = _move(program, ProgramStatus.SELECTING, actor)
    program.status = ProgramStatus.SELECTING
    program.save(update_fields=["status", "updated_at"])
    return program


# Secondments still under way: a program with any of them cannot be finished.
UNDER_WAY = ("matched", "approved", "publicity", "confirmed", "placed")


@audited
@transaction.atomic
def program_finish(*, program: Program, actor) -> Program:
    """结束批次: every cadre's term is over (completed, archived or withdrawn); the program
    leaves the running list and its secondments can be archived together."""
    program = _move(program, ProgramStatus.FINISHED, actor)
    left = program.secondments.filter(status__in=UNDER_WAY).count()
    if left:
        raise ValidationError(
            ngettext(
                "还有 %(n)s 名挂职干部未期满，请先登记期满或撤销。",
                "还有 %(n)s 名挂职干部未期满，请先登记期满或撤销。",
                left,
            )
            % {"n": left},
            code="under_way",
        )
    program.status = ProgramStatus.FINISHED
    program.save(update_fields=["status", "updated_at"])
    return program


def eligible_people(program: Program):
    """The active people of the sending units' subtrees."""
    q = None
    for path in program.sending_units.values_list("path", flat=True):
        part = subtree_q("primary_org__path", path)
        q = part if q is None else q | part
    if q is None:
        return Person.objects.none()
    return Person.objects.filter(q, status=PersonStatus.ACTIVE)


def eligible_user_ids(program: Program):
    from grassroots.accounts.models import User

    return (
        User.objects.filter(is_active=True, person__in=eligible_people(program).values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _call_text(program: Program) -> tuple[str, str]:
    title = _("挂职选派通知：%(title)s") % {"title": program.title}
    body = _("%(org)s发布了挂职选派通知，报名截止时间为 %(closes)s。") % {
        "org": program.organization.name,
        "closes": formats.date_format(
            timezone.localtime(program.call_closes_at), "DATETIME_FORMAT"
        ),
    }
    return title, body


def notify_call(program_id: int) -> int:
    """Tell the eligible people with accounts that the call is open; the ids are read in
    chunks and the users loaded a batch at a time. The number of people told."""
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    program = Program.objects.select_related("organization").get(pk=program_id)
    title, body = _call_text(program)
    url = reverse("cadres:call_detail", args=[program.pk])
    told = 0
    batch: list[int] = []

    def send(ids: list[int]) -> int:
        users = User.objects.filter(pk__in=ids).only("pk", "is_active")
        return len(
            notify(recipients=users, kind="cadres.call_published", title=title, body=body, url=url)
        )

    for user_id in eligible_user_ids(program).iterator(chunk_size=2000):
        batch.append(user_id)
        if len(batch) >= NOTIFY_BATCH:
            told += send(batch)
            batch = []
    if batch:
        told += send(batch)
    return told


# --- Posts -------------------------------------------------------------------------------------


def _rank_index(value: str) -> int:
    return RANK_ORDER.index(value)


def _clean_post(post: Post) -> None:
    errors: dict[str, list[str]] = {}
    post.title = (post.title or "").strip()
    post.expertise = (post.expertise or "").strip()
    if not post.title:
        errors["title"] = [_("请填写挂职岗位名称。")]
    if not post.places or post.places < 1:
        errors["places"] = [_("名额至少为 1。")]
    if post.max_age is not None and not 18 <= post.max_age <= 70:
        errors["max_age"] = [_("年龄上限应在 18 至 70 岁之间。")]
    if post.min_rank and post.max_rank and _rank_index(post.min_rank) < _rank_index(post.max_rank):
        errors["max_rank"] = [_("最低职级不能高于最高职级。")]
    if errors:
        raise ValidationError(errors)


def _taken(post: Post) -> int:
    return post.secondments.exclude(status=SecondmentStatus.WITHDRAWN).count()


def _check_post_status(program: Program) -> None:
    if program.status not in POST_EDITABLE:
        raise ValidationError(
            _("挂职批次当前状态为“%(status)s”，不能再调整岗位。")
            % {"status": program.get_status_display()}
        )


@audited
@transaction.atomic
def post_create(*, program: Program, actor, **fields: Any) -> Post:
    """A post offered by a host unit, while the program is prepared or the call is open."""
    _require(actor, program)
    program = _locked(program)
    if program.status not in (ProgramStatus.DRAFT, ProgramStatus.RECRUITING):
        raise ValidationError(_("报名截止后不能再增加岗位。"))
    post = Post(program=program, **{k: v for k, v in fields.items() if k in POST_FIELDS})
    _clean_post(post)
    if post.host_id:
        _check_units(actor, [post.host], "host")
    else:
        raise ValidationError({"host": [_("请选择接收单位。")]})
    _check_person(actor, post.host_leader, "host_leader")
    post.save()
    return post


@audited
@transaction.atomic
def post_update(*, post: Post, actor, **fields: Any) -> Post:
    """Change a post. During selection only its places (not below those already matched), its
    duties, its leader and its order."""
    _require(actor, post.program)
    program = _locked(post.program)
    _check_post_status(program)
    post = Post.objects.select_for_update().get(pk=post.pk)
    before_host, before_leader = post.host_id, post.host_leader_id
    changed = [k for k in POST_FIELDS if k in fields and fields[k] != getattr(post, k)]
    if program.status == ProgramStatus.SELECTING:
        if [k for k in changed if k not in POST_FIELDS_SELECTING]:
            raise ValidationError(_("遴选期间只能调整岗位名额、职责和联系领导。"))
    for key in changed:
        setattr(post, key, fields[key])
    _clean_post(post)
    if post.host_id != before_host:
        _check_units(actor, [post.host], "host")
    if post.host_leader_id != before_leader:
        _check_person(actor, post.host_leader, "host_leader")
    taken = _taken(post)
    if post.places < taken:
        raise ValidationError(
            {
                "places": [
                    ngettext(
                        "该岗位已匹配 %(n)d 人，名额不能少于已匹配人数。",
                        "该岗位已匹配 %(n)d 人，名额不能少于已匹配人数。",
                        taken,
                    )
                    % {"n": taken}
                ]
            }
        )
    post.save(update_fields=list(POST_FIELDS))
    return post


@audited
@transaction.atomic
def post_delete(*, post: Post, actor) -> None:
    """Remove a post no one was matched to, while the program is prepared or the call open."""
    _require(actor, post.program)
    program = _locked(post.program)
    if program.status not in (ProgramStatus.DRAFT, ProgramStatus.RECRUITING):
        raise ValidationError(_("报名截止后不能再删除岗位。"))
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.secondments.exists():
        raise ValidationError(_("该岗位已有匹配人员，不能删除。"))
    post.delete()


# --- Groups and trainings -------------------------------------------------------------------


def _check_open(program: Program) -> None:
    if program.status == ProgramStatus.FINISHED:
        raise ValidationError(_("挂职批次已结束，不能再修改。"))


def _save_group(group: CadreGroup) -> CadreGroup:
    group.name = (group.name or "").strip()
    if not group.name:
        raise ValidationError({"name": [_("请填写小组名称。")]})
    if not group.leader_id:
        raise ValidationError({"leader": [_("请选择组长。")]})
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        raise ValidationError({"name": [_("本批次已有同名小组。")]}) from None
    return group


@audited
@transaction.atomic
def group_create(*, program: Program, name: str, leader: Person, actor) -> CadreGroup:
    """挂职干部小组 with its leader (组长)."""
    _require(actor, program)
    _check_open(program)
    _check_person(actor, leader, "leader")
    return _save_group(CadreGroup(program=program, name=name, leader=leader))


@audited
@transaction.atomic
def group_update(*, group: CadreGroup, name: str, leader: Person, actor) -> CadreGroup:
    _require(actor, group.program)
    _check_open(group.program)
    group = CadreGroup.objects.select_for_update().get(pk=group.pk)
    if leader is not None and leader.pk != group.leader_id:
        _check_person(actor, leader, "leader")
    group.name, group.leader = name, leader
    return _save_group(group)


def training_sessions(actor):
    """The study sessions an officer may link as trainings: those they can see."""
    from grassroots.study.selectors.sessions import sessions_for

    return sessions_for(actor)


@audited
@transaction.atomic
def training_add(*, program: Program, session, actor, required: bool = True) -> ProgramTraining:
    """岗前培训: link a study session the officer can see."""
    _require(actor, program)
    _check_open(program)
    if session is None or not training_sessions(actor).filter(pk=session.pk).exists():
        raise ValidationError({"session": [_("所选培训不在您的查看范围内。")]})
    try:
        with transaction.atomic():
            return ProgramTraining.objects.create(
                program=program, session=session, required=required
            )
    except IntegrityError:
        raise ValidationError({"session": [_("该培训已关联本批次。")]}) from None


@audited
@transaction.atomic
def training_remove(*, training: ProgramTraining, actor) -> None:
    _require(actor, training.program)
    _check_open(training.program)
    training.delete()
