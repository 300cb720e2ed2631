"""Reads of programs before placement, scoped to the user: the officers' list and a program's
page; the calls a person may answer, their applications, and what a unit admin may recommend."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import objects_for, subtree_q
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import path_chain, search_q

from ..enums import ApplicationStatus, ProgramStatus, SecondmentStatus
from ..models import Application, CadreGroup, Post, Program, ProgramTraining, Secondment
from .access import MANAGE, VIEW, access_program, programs_for

RECOMMENDERS = ("orgs.manage_person", MANAGE)


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _count(queryset: QuerySet, field: str = "program") -> Subquery:
    rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


# --- The officers' list and a program's page ---------------------------------------------------


@dataclass
class ProgramFilter:
    status: str = ""
    year: int | None = None


def program_list(user, flt: ProgramFilter) -> QuerySet[Program]:
    """Programs of the organizations in the user's view scope, with their counts (subqueries:
    one query whatever the number of programs)."""
    qs = programs_for(user, VIEW).select_related("organization")
    if flt.status in ProgramStatus.values:
        qs = qs.filter(status=flt.status)
    if flt.year:
        qs = qs.filter(starts_on__year=flt.year)
    places = (
        Post.objects.filter(program=OuterRef("pk"))
        .order_by()
        .values("program")
        .annotate(n=Sum("places"))
        .values("n")[:1]
    )
    return qs.annotate(
        post_count=_count(Post.objects.all()),
        place_count=Coalesce(Subquery(places, output_field=IntegerField()), Value(0)),
        application_count=_count(Application.objects.exclude(status=ApplicationStatus.WITHDRAWN)),
        matched_count=_count(Secondment.objects.exclude(status=SecondmentStatus.WITHDRAWN)),
    ).order_by("-starts_on", "-id")


def program_years(user) -> list[int]:
    return sorted(
        {d.year for d in programs_for(user, VIEW).dates("starts_on", "year")}, reverse=True
    )


def access_program_for(user, pk, codename: str = VIEW) -> Program:
    return access_program(user, pk, codename)


def posts_of(program: Program) -> list[Post]:
    """The posts with their places taken (active secondments) in one query."""
    return list(
        program.posts.select_related("host", "host_leader").annotate(
            taken=Count("secondments", filter=~Q(secondments__status=SecondmentStatus.WITHDRAWN))
        )
    )


def sending_units_of(program: Program) -> list[Organization]:
    return list(program.sending_units.only("id", "name", "short_name", "path").order_by("path"))


def groups_of(program: Program) -> list[CadreGroup]:
    return list(
        CadreGroup.objects.filter(program=program)
        .select_related("leader__primary_org")
        .annotate(
            member_count=Count("members", filter=~Q(members__status=SecondmentStatus.WITHDRAWN))
        )
    )


def trainings_of(program: Program) -> list[ProgramTraining]:
    return list(
        ProgramTraining.objects.filter(program=program)
        .select_related("session__organization")
        .order_by("session__starts_at", "id")
    )


def application_counts(program: Program) -> dict[str, int]:
    rows = (
        Application.objects.filter(program=program)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts = Counter({status: n for status, n in rows})
    counts["active"] = sum(
        n for status, n in counts.items() if status != ApplicationStatus.WITHDRAWN
    )
    return dict(counts)


def applications_of(program: Program, *, status: str = "", query: str = "", user=None):
    qs = Application.objects.filter(program=program).select_related(
        "person__primary_org", "preferred_post", "recommending_org"
    )
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=ApplicationStatus.WITHDRAWN)
    if query and user is not None:
        qs = qs.filter(person__in=Person.objects.filter(search_q(query, user)).values("pk"))
    return qs.order_by("created_at", "id")


# --- Calls a person may answer --------------------------------------------------------------


def person_of(user) -> Person | None:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return Person.objects.select_related("primary_org").filter(pk=person_id).first()


def _eligible_q(person: Person) -> Q:
    """Programs whose sending units include the person's organization or one above it."""
    return Q(
        pk__in=Program.sending_units.through.objects.filter(
            organization__path__in=path_chain(person.primary_org.path)
        ).values("program_id")
    )


def open_calls(user, now: datetime | None = None) -> QuerySet[Program]:
    """挂职选派: the programs recruiting whose call the user's person may answer (active, in a
    sending unit's subtree), the call not yet closed."""
    now = now or timezone.now()
    person = person_of(user)
    if person is None or person.status != PersonStatus.ACTIVE:
        return Program.objects.none()
    return (
        Program.objects.filter(_eligible_q(person), status=ProgramStatus.RECRUITING)
        .filter(Q(call_closes_at__isnull=True) | Q(call_closes_at__gt=now))
        .select_related("organization")
        .annotate(post_count=_count(Post.objects.all()))
        .order_by("call_closes_at", "-id")
    )


def recommend_scope_q(user, path_lookup: str) -> Q | None:
    """Where the user may recommend people: their scopes of managing people or programs."""
    combined = None
    for codename in RECOMMENDERS:
        q = permissions.scope_q(user, codename, path_lookup)
        if q is None:
            continue
        if not q:
            return Q()
        combined = q if combined is None else combined | q
    return combined


def may_recommend_to(user, program: Program, paths: list[str] | None = None) -> bool:
    """Does the user manage people in any of the program's sending units' subtrees?"""
    prefixes = set()
    for codename in RECOMMENDERS:
        prefixes.update(permissions.scope_prefixes(user, codename))
    if not prefixes:
        return False
    paths = paths if paths is not None else [u.path for u in sending_units_of(program)]
    return any(p.startswith(s) or s.startswith(p) for p in prefixes for s in paths)


def recommendable_calls(user, now: datetime | None = None) -> list[Program]:
    """Recruiting programs in which the user may recommend people (few: checked in Python)."""
    if not any(permissions.has_any(user, c) for c in RECOMMENDERS):
        return []
    now = now or timezone.now()
    programs = list(
        Program.objects.filter(status=ProgramStatus.RECRUITING)
        .filter(Q(call_closes_at__isnull=True) | Q(call_closes_at__gt=now))
        .select_related("organization")
        .prefetch_related("sending_units")
        .order_by("call_closes_at", "-id")
    )
    return [
        p for p in programs if may_recommend_to(user, p, [u.path for u in p.sending_units.all()])
    ]


def access_call(user, pk) -> Program:
    """A program as its call: one the user may answer or recommend to, one they applied to, or
    one they may view as an officer. 404 otherwise."""
    pk = _pk(pk)
    program = Program.objects.select_related("organization").filter(pk=pk).first() if pk else None
    if program is None or program.status == ProgramStatus.DRAFT:
        raise Http404
    if permissions.covers(user, VIEW, program.organization.path):
        return program
    person = person_of(user)
    if person is not None:
        if Application.objects.filter(program=program, person=person).exists():
            return program
        if (
            person.status == PersonStatus.ACTIVE
            and program.status == ProgramStatus.RECRUITING
            and Program.objects.filter(_eligible_q(person), pk=program.pk).exists()
        ):
            return program
    if program.status == ProgramStatus.RECRUITING and may_recommend_to(user, program):
        return program
    raise Http404


def my_application(user, program: Program) -> Application | None:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    return (
        Application.objects.filter(program=program, person_id=person_id)
        .select_related("preferred_post")
        .order_by("-created_at", "-id")
        .first()
    )


def my_applications(user) -> QuerySet[Application]:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Application.objects.none()
    return (
        Application.objects.filter(person_id=person_id)
        .select_related("program__organization", "preferred_post", "recommending_org")
        .order_by("-created_at", "-id")
    )


def access_my_application(user, pk) -> Application:
    pk = _pk(pk)
    found = my_applications(user).filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404
    return found


def recommendable_people(
    user, program: Program, *, query: str = "", limit: int = 200
) -> QuerySet[Person]:
    """Active people in the program's sending units that the user manages, not yet applied."""
    scope = recommend_scope_q(user, "primary_org__path")
    if scope is None:
        return Person.objects.none()
    units = sending_units_of(program)
    if not units:
        return Person.objects.none()
    within = Q(pk__in=[])
    for unit in units:
        within |= subtree_q("primary_org__path", unit.path)
    qs = Person.objects.filter(scope, within, status=PersonStatus.ACTIVE).exclude(
        pk__in=Application.objects.filter(program=program)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .values("person_id")
    )
    if query:
        qs = qs.filter(search_q(query, user))
    return qs.select_related("primary_org").order_by("primary_org__path", "name_pinyin", "id")


def recommending_orgs(user, person: Person) -> list[Organization]:
    """The person's organization and those above it where the user may recommend."""
    chain = path_chain(person.primary_org.path)
    scope = recommend_scope_q(user, "path")
    if scope is None:
        return []
    return list(
        Organization.objects.filter(scope, path__in=chain, status=OrgStatus.ACTIVE).order_by(
            "-path"
        )
    )


def manageable_organizations(user) -> QuerySet[Organization]:
    return (
        objects_for(user, MANAGE, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )


def people_in_view(user) -> QuerySet[Person]:
    return objects_for(
        user, "orgs.view_person", Person.objects.filter(status=PersonStatus.ACTIVE), own=True
    )


def today() -> date:
    return timezone.localdate()
