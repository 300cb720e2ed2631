"""Reads of plans, sessions, attendance and make-ups, each scoped to the user asking.

Managers see what lies in their subtrees (study.view_study, study.manage_session,
study.review_study); a member sees the sessions they are expected at and their own records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import access, objects_for, subtree_q
from grassroots.core.selectors import filter_events
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import path_chain

from ..enums import AttendanceStatus, ReviewStatus, SessionStatus
from ..models import Attendance, MakeUp, Material, SelfStudy, StudyPlan, StudySession

VIEW = "study.view_study"
MANAGE = "study.manage_session"
REVIEW = "study.review_study"
LARGE_SESSION = 2000  # attendees beyond which the attendance table is not sorted by name


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _get_or_404(qs: QuerySet, pk):
    pk = _pk(pk)
    if pk is None:
        raise Http404
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _scoped(user, codenames: tuple[str, ...], qs: QuerySet, *, own_q: Q | None = None):
    """Rows in the subtrees where the user holds any of `codenames`, or matching `own_q`."""
    model = qs.model
    combined: Q | None = None
    for codename in codenames:
        q = permissions.scope_q(user, codename, model.scope_path_lookup)
        if q is None:
            continue
        if not q:
            return qs  # the whole tree
        combined = q if combined is None else combined | q
    if own_q is not None and user.is_authenticated:
        combined = own_q if combined is None else combined | own_q
    return qs.none() if combined is None else qs.filter(combined)


# --- Organizations and people to choose from ----------------------------------------------


def manageable_organizations(user, codename: str = MANAGE) -> QuerySet[Organization]:
    return (
        objects_for(user, codename, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )


def access_organization(user, pk, codename: str = VIEW) -> Organization:
    return access(user, codename, Organization.objects.all(), pk)


def default_organization(request, codename: str = VIEW) -> Organization | None:
    """The organization in the top-bar switcher when the user may use it for `codename`,
    else the first organization of the user's scope."""
    current = getattr(request, "current_org", None)
    user = request.user
    if current and permissions.covers(user, codename, current.path):
        return current
    prefixes = permissions.scope_prefixes(user, codename)
    if not prefixes:
        return None
    if permissions.ROOT in prefixes:
        return Organization.objects.filter(depth=1).order_by("path").first()
    return Organization.objects.filter(path__in=prefixes).order_by("path").first()


def people_choices(user, organization: Organization | None, *, limit: int = 500) -> list[Person]:
    """People a manager may hand-pick for a session: active, within the manager's scope, in
    the organization's subtree (capped: a large audience is the subtree, not a list)."""
    qs = objects_for(user, MANAGE, Person.objects.filter(status=PersonStatus.ACTIVE))
    if organization is not None:
        qs = qs.filter(subtree_q("primary_org__path", organization.path))
    return list(
        qs.select_related("primary_org")
        .only("id", "name", "name_pinyin", "primary_org__name", "primary_org__short_name")
        .order_by("primary_org__path", "name_pinyin", "id")[:limit]
    )


def people_in_scope(user) -> QuerySet[Person]:
    return objects_for(user, MANAGE, Person.objects.filter(status=PersonStatus.ACTIVE))


def _managed_and_above_q(user, lookup: str) -> Q | None:
    """Rows of the organizations a manager manages and of those above them (whose materials and
    plans the managed organizations' people share). None: no scope; Q(): the whole tree."""
    prefixes = permissions.scope_prefixes(user, MANAGE)
    if not prefixes:
        return None
    if permissions.ROOT in prefixes:
        return Q()
    q = Q()
    above: set[str] = set()
    for prefix in prefixes:
        q |= subtree_q(lookup, prefix)
        above.update(path_chain(prefix)[:-1])
    if above:
        q |= Q(**{f"{lookup}__in": sorted(above)})
    return q


def material_choices(user) -> QuerySet[Material]:
    """Library materials a manager may attach: those of their subtrees and of the
    organizations above them (which their people can open too). Not sliced: the form checks
    a choice against all of them and offers the newest (see forms.sessions.offer_first)."""
    q = _managed_and_above_q(user, "organization__path")
    qs = Material.objects.select_related("organization").order_by("-created_at", "-id")
    return qs.none() if q is None else qs.filter(q)


# --- Plans -----------------------------------------------------------------------------------


def plans_for(user, codename: str = VIEW) -> QuerySet[StudyPlan]:
    return objects_for(user, codename, StudyPlan.objects.all())


def plan_list(user, *, year: int | None = None, organization: Organization | None = None):
    qs = plans_for(user).select_related("organization")
    if year:
        qs = qs.filter(year=year)
    if organization is not None:
        qs = qs.filter(subtree_q("organization__path", organization.path))
    return qs.annotate(
        session_count=Count("sessions", filter=~Q(sessions__status=SessionStatus.CANCELLED))
    ).order_by("-year", "organization__path")


def access_plan(user, pk, codename: str = VIEW) -> StudyPlan:
    return access(user, codename, StudyPlan.objects.select_related("organization"), pk)


def plan_choices(user) -> QuerySet[StudyPlan]:
    """Plans a session may belong to: last year's to next year's within the manager's scope,
    and those of the organizations above (a county plan that a branch carries out)."""
    this_year = timezone.localdate().year
    q = _managed_and_above_q(user, "organization__path")
    qs = StudyPlan.objects.filter(year__gte=this_year - 1, year__lte=this_year + 1)
    if q is None:
        return qs.none()
    return qs.filter(q).select_related("organization").order_by("-year", "organization__path")


def plan_sessions(user, plan: StudyPlan) -> QuerySet[StudySession]:
    return sessions_for(user).filter(plan=plan).select_related("organization").order_by("starts_at")


# --- Sessions ----------------------------------------------------------------------------------


def sessions_for(user) -> QuerySet[StudySession]:
    """Sessions in the user's view scope, and those the user is expected at."""
    own = None
    if getattr(user, "person_id", None):
        own = Q(pk__in=Attendance.objects.filter(person_id=user.person_id).values("session_id"))
    return _scoped(user, (VIEW, MANAGE), StudySession.objects.all(), own_q=own)


def access_session(user, pk, codename: str = VIEW) -> StudySession:
    qs = StudySession.objects.select_related("organization", "plan")
    if codename == VIEW:
        return _get_or_404(sessions_for(user).select_related("organization", "plan"), pk)
    return access(user, codename, qs, pk)


def session_for_checkin(pk) -> StudySession | None:
    """The session a valid check-in token names. Not scoped to the user: the signed, short-lived
    token shown in the room is the proof; the service then checks the user is expected."""
    return StudySession.objects.select_related("organization").filter(pk=pk).first()


@dataclass
class SessionFilter:
    when: str = "upcoming"  # upcoming, past, all
    organization: Organization | None = None  # a subtree
    kind: str = ""
    year: int | None = None
    query: str = ""
    mine: bool = False  # only the sessions the user is expected at


def session_list(user, flt: SessionFilter, *, now: datetime | None = None):
    now = now or timezone.now()
    qs = sessions_for(user)
    person_id = getattr(user, "person_id", None)
    if flt.mine:
        qs = qs.filter(
            pk__in=Attendance.objects.filter(person_id=person_id).values("session_id")
            if person_id
            else []
        )
    qs = filter_events(qs, flt, now=now)
    if person_id:
        mine = Attendance.objects.filter(session=OuterRef("pk"), person_id=person_id)
        qs = qs.annotate(my_status=Subquery(mine.values("status")[:1]))
    return qs.select_related("organization", "plan")


def attendance_counts(session: StudySession) -> dict[str, int]:
    rows = (
        Attendance.objects.filter(session=session)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts = {status: 0 for status in AttendanceStatus.values}
    counts.update(dict(rows))
    return counts


def session_attendances(
    session: StudySession, *, status: str = "", query: str = ""
) -> QuerySet[Attendance]:
    """The attendance table of a session (callers check the user may manage or view it)."""
    qs = Attendance.objects.filter(session=session)
    if status in AttendanceStatus.values:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(person__name__contains=query[:40])
    qs = qs.select_related("person", "person__primary_org", "makeup", "session")
    if session.expected_count > LARGE_SESSION:
        # A county-wide training: read in the order of the (session, person) index rather
        # than sort every attendee by organization and name for each page.
        return qs.order_by("person_id")
    return qs.order_by("person__primary_org__path", "person__name_pinyin", "id")


def my_attendance(user, session: StudySession) -> Attendance | None:
    if not getattr(user, "person_id", None):
        return None
    return (
        Attendance.objects.filter(session=session, person_id=user.person_id)
        .select_related("makeup")
        .first()
    )


def access_attendance(user, session: StudySession, pk, codename: str = MANAGE) -> Attendance:
    qs = Attendance.objects.filter(session=session).select_related(
        "person", "person__primary_org", "session", "makeup"
    )
    return access(user, codename, qs, pk)


def access_own_attendance(user, pk) -> Attendance:
    if not getattr(user, "person_id", None):
        raise Http404
    qs = Attendance.objects.filter(person_id=user.person_id).select_related(
        "session", "session__organization", "makeup"
    )
    return _get_or_404(qs, pk)


# --- Make-ups and self-study: one's own, and the review queues -------------------------------


def makeups_for(user) -> QuerySet[MakeUp]:
    own = Q(attendance__person__user=user) if user.is_authenticated else None
    return _scoped(user, (VIEW, REVIEW), MakeUp.objects.all(), own_q=own)


def access_makeup(user, pk) -> MakeUp:
    qs = makeups_for(user).select_related(
        "attendance__person__primary_org",
        "attendance__session__organization",
        "reviewed_by",
    )
    return _get_or_404(qs, pk)


def self_studies_for(user) -> QuerySet[SelfStudy]:
    own = Q(person__user=user) if user.is_authenticated else None
    return _scoped(user, (VIEW, REVIEW), SelfStudy.objects.all(), own_q=own)


def access_self_study(user, pk) -> SelfStudy:
    qs = self_studies_for(user).select_related("person__primary_org", "reviewed_by", "material")
    return _get_or_404(qs, pk)


def access_own_self_study(user, pk) -> SelfStudy:
    if not getattr(user, "person_id", None):
        raise Http404
    qs = SelfStudy.objects.filter(person_id=user.person_id).select_related("person__primary_org")
    return _get_or_404(qs, pk)


def makeup_queue(
    user, *, status: str = ReviewStatus.SUBMITTED, organization: Organization | None = None
):
    qs = objects_for(user, REVIEW, MakeUp.objects.filter(status=status))
    if getattr(user, "person_id", None):
        qs = qs.exclude(attendance__person_id=user.person_id)  # nobody reviews their own
    if organization is not None:
        qs = qs.filter(subtree_q("attendance__session__organization__path", organization.path))
    return qs.select_related(
        "attendance__person__primary_org", "attendance__session__organization"
    ).order_by("created_at", "id")


def self_study_queue(
    user, *, status: str = ReviewStatus.SUBMITTED, organization: Organization | None = None
):
    qs = objects_for(user, REVIEW, SelfStudy.objects.filter(status=status))
    if getattr(user, "person_id", None):
        qs = qs.exclude(person_id=user.person_id)  # nobody reviews their own
    if organization is not None:
        qs = qs.filter(subtree_q("person__primary_org__path", organization.path))
    return qs.select_related("person__primary_org").order_by("created_at", "id")


def waiting_reviews(user, organization: Organization | None = None) -> int:
    """How many make-ups and self-study entries wait for the user's review (two counts)."""
    if not permissions.has_any(user, REVIEW):
        return 0
    return (
        makeup_queue(user, organization=organization).count()
        + self_study_queue(user, organization=organization).count()
    )
