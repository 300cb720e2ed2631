"""Matching candidates to posts (岗位匹配): how well an applicant meets a post's requirements, as a
score with its reasons, and the officer's assignment of an applicant to a post (one post per
person per program, no post beyond its places: row locks and the database constraint)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grassroots.core import permissions
from grassroots.core.audit import audited
from grassroots.orgs.enums import Education, PersonStatus, PoliticalStatus, Rank

from ..enums import ApplicationStatus, EventAction, ProgramStatus, SecondmentStatus
from ..models import Application, Post, Program, Secondment
from .transitions import record_event, secondment_move

MANAGE = "cadres.manage_program"
EDUCATION_ORDER = list(Education.values)  # highest first
RANK_ORDER = list(Rank.values)  # highest first
# What the requirements weigh in the score (out of the 90 points a candidate meeting every
# requirement the post sets gets); stating this post as one's wish adds the last 10.
REQUIREMENT_POINTS = 90
PREFERRED_POINTS = 10
_SPLIT = re.compile(r"[、,，;；/\s]+")

Reason = tuple[bool, str]


def split_fields(text: str) -> list[str]:
    """Fields of expertise written as 法律、调解，信访 (order kept, duplicates dropped)."""
    seen: dict[str, None] = {}
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _overlap(wanted: list[str], offered: list[str]) -> list[str]:
    """Fields of the post the applicant offers; one containing the other counts (法律 and
    法律事务)."""
    return [w for w in wanted if any(w in o or o in w for o in offered)]


def score(post: Post, person, application: Application | None) -> tuple[int, list[Reason]]:
    """0 to 100 and the reasons: each requirement the post sets, met or not, and the bonus for
    the post the applicant prefers. A post without requirements scores every candidate 90."""
    checks: list[tuple[bool, str]] = []
    if post.min_education:
        if not person.education:
            checks.append((False, _("学历未登记")))
        elif EDUCATION_ORDER.index(person.education) <= EDUCATION_ORDER.index(post.min_education):
            checks.append((True, _("学历符合")))
        else:
            checks.append((False, _("学历不符")))
    if post.political_status:
        accepted = {post.political_status}
        if post.political_status == PoliticalStatus.PARTY_MEMBER:
            accepted.add(PoliticalStatus.PROBATIONARY)
        if person.political_status in accepted:
            checks.append((True, _("政治面貌符合")))
        else:
            checks.append((False, _("政治面貌不符")))
    if post.max_age is not None:
        if not person.birth_date:
            checks.append((False, _("出生日期未登记")))
        elif age_on(person.birth_date, post.program.starts_on) <= post.max_age:
            checks.append((True, _("年龄符合")))
        else:
            checks.append((False, _("年龄超限")))
    if post.min_rank or post.max_rank:
        if not person.rank:
            checks.append((False, _("职级未登记")))
        else:
            index = RANK_ORDER.index(person.rank)
            low = RANK_ORDER.index(post.min_rank) if post.min_rank else len(RANK_ORDER) - 1
            high = RANK_ORDER.index(post.max_rank) if post.max_rank else 0
            if high <= index <= low:
                checks.append((True, _("职级符合")))
            else:
                checks.append((False, _("职级不在范围内")))
    wanted = split_fields(post.expertise)
    if wanted:
        offered = split_fields(application.expertise if application else "")
        common = _overlap(wanted, offered)
        if common:
            checks.append((True, _("专业领域匹配：%(fields)s") % {"fields": _("、").join(common)}))
        elif not offered:
            checks.append((False, _("未填写专业特长")))
        else:
            checks.append((False, _("专业领域不匹配")))
    met = sum(1 for ok, _text in checks if ok)
    points = round(REQUIREMENT_POINTS * met / len(checks)) if checks else REQUIREMENT_POINTS
    reasons = list(checks)
    if application is not None and application.preferred_post_id == post.pk:
        points += PREFERRED_POINTS
        reasons.append((True, _("本人意向岗位")))
    return min(points, 100), reasons


def _require(actor, program) -> None:
    if not permissions.covers(actor, MANAGE, program.organization.path):
        raise PermissionDenied(_("您没有权限为该挂职批次匹配岗位。"))


@audited
@transaction.atomic
def secondment_assign(*, application: Application, post: Post, actor) -> Secondment:
    """Assign an applicant to a post during selection: the post's row is locked while its places
    are counted, then the application's while its status is checked; the constraint on one post
    per person per program stands behind both."""
    program = post.program
    _require(actor, program)
    # The program first (as its approval does), then the post whose places are counted.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("program__organization", "host")
        .get(pk=post.pk)
    )
    program = post.program
    if program.status != ProgramStatus.SELECTING:
        raise ValidationError(_("本批次当前不在遴选阶段，不能匹配岗位。"))
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("person__primary_org")
        .get(pk=application.pk)
    )
    if application.program_id != program.pk:
        raise ValidationError(_("该报名不属于本批次。"))
    if application.status == ApplicationStatus.ASSIGNED:
        raise ValidationError(_("同一批次中每人只能挂职一个岗位。"))
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("报名当前状态为“%(status)s”，不能匹配岗位。")
            % {"status": application.get_status_display()}
        )
    person = application.person
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError(_("该人员已不在册。"))
    taken = post.secondments.exclude(status=SecondmentStatus.WITHDRAWN).count()
    if taken >= post.places:
        raise ValidationError(_("该岗位名额已满。"))
    points, _reasons = score(post, person, application)
    try:
        with transaction.atomic():
            secondment = Secondment.objects.create(
                program=program,
                post=post,
                person=person,
                application=application,
                sending_org=person.primary_org,
                status=SecondmentStatus.MATCHED,
                match_score=points,
                host_leader=post.host_leader,
                starts_on=program.starts_on,
                ends_on=program.ends_on,
            )
    except IntegrityError:
        raise ValidationError(_("同一批次中每人只能挂职一个岗位。")) from None
    record_event(
        secondment=secondment,
        action=EventAction.MATCHED,
        actor=actor,
        comment=f"{post.host.name} · {post.title}",
        to_status=SecondmentStatus.MATCHED,
    )
    application.status = ApplicationStatus.ASSIGNED
    application.save(update_fields=["status", "updated_at"])
    return secondment


@audited
@transaction.atomic
def secondment_unassign(*, secondment: Secondment, actor, comment: str = "") -> Secondment:
    """Take a matched applicant off a post during selection: the secondment is withdrawn (a
    declared transition, logged) and the application is a candidate again."""
    _require(actor, secondment.program)
    program = Program.objects.select_for_update().get(pk=secondment.program_id)
    if program.status != ProgramStatus.SELECTING:
        raise ValidationError(_("本批次当前不在遴选阶段，不能调整岗位匹配。"))
    secondment = secondment_move(
        secondment=secondment,
        to=SecondmentStatus.WITHDRAWN,
        actor=actor,
        comment=comment or _("取消岗位匹配"),
        action=EventAction.WITHDRAWN,
    )
    application = (
        Application.objects.select_for_update()
        .filter(pk=secondment.application_id, status=ApplicationStatus.ASSIGNED)
        .first()
    )
    if application is not None:
        application.status = ApplicationStatus.SUBMITTED
        application.save(update_fields=["status", "updated_at"])
    return secondment
