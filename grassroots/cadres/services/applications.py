"""Applications to a program's call (报名): a person applies for themself with a statement, a
unit admin recommends one of their people with a reason, and an applicant may withdraw before
being matched to a post. Eligibility is checked on submission; the post requirements are not
eligibility rules but what matching scores."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grassroots.core import permissions
from grassroots.core.audit import audited
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.models import Organization, Person

from ..enums import ApplicationKind, ApplicationStatus, ProgramStatus, SecondmentStatus
from ..models import Application, Post, Program, Secondment

MANAGE = "cadres.manage_program"
MANAGE_PERSON = "orgs.manage_person"
RECOMMENDERS = (MANAGE_PERSON, MANAGE)
TEXT_MAX = 2000
EXPERTISE_MAX = 200
# A secondment in these states still holds the person for its term.
HOLDING = (
    SecondmentStatus.MATCHED,
    SecondmentStatus.APPROVED,
    SecondmentStatus.PUBLICITY,
    SecondmentStatus.CONFIRMED,
    SecondmentStatus.PLACED,
)


def _dt(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _locked_program(program: Program) -> Program:
    return (
        Program.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=program.pk)
    )


def sending_paths(program: Program) -> list[str]:
    return list(program.sending_units.values_list("path", flat=True))


def in_sending_units(program: Program, path: str, paths: list[str] | None = None) -> bool:
    paths = sending_paths(program) if paths is None else paths
    return any(path.startswith(p) for p in paths)


def check_call_open(program: Program, now: datetime) -> None:
    if program.status != ProgramStatus.RECRUITING:
        raise ValidationError(_("本批次当前不在报名阶段。"), code="not_recruiting")
    opens, closes = program.call_opens_at, program.call_closes_at
    if (opens and now < opens) or (closes and now >= closes):
        raise ValidationError(
            _("不在报名时间内（报名时间：%(opens)s 至 %(closes)s）。")
            % {"opens": _dt(opens) if opens else "", "closes": _dt(closes) if closes else ""},
            code="outside_window",
        )


def eligibility_problems(program: Program, person: Person) -> list[str]:
    """Why `person` may not apply to `program` (empty: they may), apart from the call's window:
    in the register, in a sending unit's subtree, not applied already, not held by another
    secondment over the same term."""
    problems = []
    if person.status != PersonStatus.ACTIVE:
        problems.append(_("该人员已不在册，不能报名。"))
    if not in_sending_units(program, person.primary_org.path):
        problems.append(_("所在单位不在本批次的选派范围内。"))
    if (
        Application.objects.filter(program=program, person=person)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        problems.append(_("已报名本批次，不能重复报名。"))
    other = (
        Secondment.objects.filter(
            person=person,
            status__in=HOLDING,
            starts_on__lt=program.ends_on,
            ends_on__gt=program.starts_on,
        )
        .exclude(program=program)
        .select_related("program")
        .first()
    )
    if other is not None:
        problems.append(
            _("已在“%(program)s”挂职（%(start)s 至 %(end)s），与本批次挂职时间重叠。")
            % {
                "program": other.program.title,
                "start": formats.date_format(other.starts_on, "DATE_FORMAT"),
                "end": formats.date_format(other.ends_on, "DATE_FORMAT"),
            }
        )
    return problems


def _clean_text(value: str, field: str, label_max: int, required_message: str | None) -> str:
    value = (value or "").strip()
    if required_message and not value:
        raise ValidationError({field: [required_message]})
    if len(value) > label_max:
        raise ValidationError({field: [_("内容不能超过 %(n)d 字。") % {"n": label_max}]})
    return value


def _check_post(program: Program, post: Post | None) -> None:
    if post is not None and post.program_id != program.pk:
        raise ValidationError({"preferred_post": [_("意向岗位不属于本批次。")]})


def _create(**values) -> Application:
    """Insert the application; the unique constraint turns a second one (sent at the same
    instant) into the message."""
    try:
        with transaction.atomic():
            return Application.objects.create(**values)
    except IntegrityError:
        raise ValidationError(_("已报名本批次，不能重复报名。"), code="duplicate") from None


@audited
@transaction.atomic
def application_submit(
    *,
    program: Program,
    person: Person,
    statement: str,
    expertise: str = "",
    preferred_post: Post | None = None,
    actor,
    now: datetime | None = None,
) -> Application:
    """个人报名: the person themself, while the call is open."""
    if not person or getattr(actor, "person_id", None) != person.pk:
        raise PermissionDenied(_("只能本人报名。"))
    now = now or timezone.now()
    program = _locked_program(program)
    check_call_open(program, now)
    statement = _clean_text(statement, "statement", TEXT_MAX, _("请填写个人陈述。"))
    expertise = _clean_text(expertise, "expertise", EXPERTISE_MAX, None)
    _check_post(program, preferred_post)
    person = Person.objects.select_related("primary_org").get(pk=person.pk)
    problems = eligibility_problems(program, person)
    if problems:
        raise ValidationError(problems, code="ineligible")
    return _create(
        program=program,
        person=person,
        kind=ApplicationKind.VOLUNTARY,
        statement=statement,
        expertise=expertise,
        preferred_post=preferred_post,
        submitted_by=actor,
    )


def may_recommend(actor, person: Person) -> bool:
    path = person.primary_org.path
    return any(permissions.covers(actor, codename, path) for codename in RECOMMENDERS)


@audited
@transaction.atomic
def application_recommend(
    *,
    program: Program,
    person: Person,
    recommending_org: Organization | None = None,
    reason: str,
    expertise: str = "",
    preferred_post: Post | None = None,
    actor,
    now: datetime | None = None,
) -> Application:
    """单位推荐: someone who manages the person's organization recommends them, with a reason,
    while the call is open. The recommending unit is the person's own organization or one above
    it in the recommender's scope; the person is told."""
    now = now or timezone.now()
    person = Person.objects.select_related("primary_org").get(pk=person.pk)
    if not may_recommend(actor, person):
        raise PermissionDenied(_("您没有权限推荐该人员。"))
    recommending_org = recommending_org or person.primary_org
    if not person.primary_org.path.startswith(recommending_org.path) or not any(
        permissions.covers(actor, codename, recommending_org.path) for codename in RECOMMENDERS
    ):
        raise ValidationError(
            {"recommending_org": [_("推荐单位应为被推荐人所在单位或其上级，且在您的管理范围内。")]}
        )
    program = _locked_program(program)
    check_call_open(program, now)
    reason = _clean_text(reason, "reason", TEXT_MAX, _("请填写推荐理由。"))
    expertise = _clean_text(expertise, "expertise", EXPERTISE_MAX, None)
    _check_post(program, preferred_post)
    problems = eligibility_problems(program, person)
    if problems:
        raise ValidationError(problems, code="ineligible")
    application = _create(
        program=program,
        person=person,
        kind=ApplicationKind.RECOMMENDED,
        recommending_org=recommending_org,
        reason=reason,
        expertise=expertise,
        preferred_post=preferred_post,
        submitted_by=actor,
    )
    transaction.on_commit(lambda: _tell_recommended(application.pk))
    return application


def _tell_recommended(application_id: int) -> None:
    from grassroots.accounts.models import User
    from grassroots.notifications.services import notify

    application = Application.objects.select_related("program", "recommending_org").get(
        pk=application_id
    )
    users = User.objects.filter(person_id=application.person_id, is_active=True)
    notify(
        recipients=users,
        kind="cadres.recommended",
        title=_("您已被推荐参加挂职选派：%(title)s") % {"title": application.program.title},
        body=_("%(org)s推荐您参加“%(title)s”。如不愿参加，可在“我的报名”中撤回。")
        % {"org": application.recommending_org.name, "title": application.program.title},
        url=reverse("cadres:my_applications"),
    )


@audited
@transaction.atomic
def application_withdraw(*, application: Application, actor) -> Application:
    """撤回报名: the applicant, before being matched to a post and before the program's list is
    approved."""
    if getattr(actor, "person_id", None) != application.person_id:
        raise PermissionDenied(_("只能撤回本人的报名。"))
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("报名当前状态为“%(status)s”，不能撤回。")
            % {"status": application.get_status_display()}
        )
    if application.program.status not in (ProgramStatus.RECRUITING, ProgramStatus.SELECTING):
        raise ValidationError(_("本批次已进入审批阶段，不能撤回报名。"))
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    return application
