"""Reads of reflections (心得体会), scoped to the user: their own, those their review or study scope
covers, and the excellent ones shared with their organization."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from grassroots.core import calendar, permissions

from ..enums import ReflectionStatus, SessionStatus
from ..models import Reflection, ReflectionEvent, StudySession
from .library import own_org_chain

REVIEW_CODENAME = "study.review_reflection"
VIEW_CODENAMES = (REVIEW_CODENAME, "study.view_study")
AUTHOR_ORG_PATH = "person__primary_org__path"
# A reflection waiting more working days than this (its submission day counted) is overdue.
REVIEW_WORKING_DAYS = 5
PAGE_SIZE = 30

LIST_RELATED = ("person", "person__primary_org", "session", "material")


def _own_q(user) -> Q | None:
    person_id = getattr(user, "person_id", None)
    return Q(person_id=person_id) if person_id else None


def _shared_q(user) -> Q | None:
    """Excellent reflections shared by people of the user's organization or one above it."""
    chain = own_org_chain(user)
    if not chain:
        return None
    return Q(shared=True, status=ReflectionStatus.EXCELLENT, **{f"{AUTHOR_ORG_PATH}__in": chain})


def visible_reflections(user) -> QuerySet[Reflection]:
    """Every reflection the user may open: own, in review or study scope, shared with them."""
    if not user.is_authenticated:
        return Reflection.objects.none()
    q = None
    for part in (_own_q(user), _shared_q(user)):
        if part is not None:
            q = part if q is None else (q | part)
    for codename in VIEW_CODENAMES:
        scoped = permissions.scope_q(user, codename, AUTHOR_ORG_PATH)
        if scoped is None:
            continue
        if not scoped:
            return Reflection.objects.all()
        q = scoped if q is None else (q | scoped)
    if q is None:
        return Reflection.objects.none()
    return Reflection.objects.filter(q)


def access_reflection(user, pk) -> Reflection:
    """A reflection the user may see; 404 for the others."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = (
        visible_reflections(user)
        .select_related(*LIST_RELATED, "reviewed_by", "reviewed_by__person")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def reflection_events(reflection: Reflection) -> QuerySet[ReflectionEvent]:
    return reflection.events.select_related("actor", "actor__person").order_by("created_at", "id")


def my_reflections(user, *, status: str = "") -> QuerySet[Reflection]:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Reflection.objects.none()
    qs = Reflection.objects.filter(person_id=person_id)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("session", "material").defer("text").order_by("-submitted_at", "-id")


def status_counts(person_id: int) -> dict[str, int]:
    """{status: reflections of the person in it}. One query."""
    rows = (
        Reflection.objects.filter(person_id=person_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def my_status_counts(user) -> dict[str, int]:
    person_id = getattr(user, "person_id", None)
    return status_counts(person_id) if person_id else {}


def may_review_any(user) -> bool:
    return permissions.has_any(user, REVIEW_CODENAME)


def review_queue(user, *, status: str = "", organization=None) -> QuerySet[Reflection]:
    """Reflections in the user's review scope, oldest submission first; the user's own are left
    out (nobody reviews their own)."""
    qs = permissions.objects_for(
        user, REVIEW_CODENAME, Reflection.objects.all(), path_lookup=AUTHOR_ORG_PATH
    )
    if getattr(user, "person_id", None):
        qs = qs.exclude(person_id=user.person_id)
    if status:
        qs = qs.filter(status=status)
    if organization is not None:
        qs = qs.filter(permissions.subtree_q(AUTHOR_ORG_PATH, organization.path))
    return qs.select_related(*LIST_RELATED).defer("text").order_by("submitted_at", "id")


def waiting_count(user) -> int:
    return review_queue(user, status=ReflectionStatus.SUBMITTED).count()


def shared_excellent(user) -> QuerySet[Reflection]:
    """The "优秀心得" list: shared excellent reflections of the user's organization and those
    above it, and those in the user's review or study scope; latest review first."""
    q = _shared_q(user)
    for codename in VIEW_CODENAMES:
        scoped = permissions.scope_q(user, codename, AUTHOR_ORG_PATH)
        if scoped is None:
            continue
        scoped = scoped & Q(shared=True, status=ReflectionStatus.EXCELLENT)
        q = scoped if q is None else (q | scoped)
    if q is None:
        return Reflection.objects.none()
    return (
        Reflection.objects.filter(q).select_related(*LIST_RELATED).order_by("-reviewed_at", "-id")
    )


def expected_sessions(user, *, include=None, days: int = 400) -> QuerySet[StudySession]:
    """Sessions the user was expected at (an attendance row of their own), recent first: what a
    reflection may be written on. `include` keeps an older one already chosen."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return StudySession.objects.none()
    since = timezone.now() - timedelta(days=days)
    recent = Q(starts_at__gte=since)
    if include is not None:
        recent |= Q(pk=getattr(include, "pk", include))
    return (
        StudySession.objects.filter(recent, attendances__person_id=person_id)
        .exclude(status=SessionStatus.CANCELLED)
        .only("id", "title", "starts_at")
        .order_by("-starts_at", "-id")
    )


def overdue_cutoff(today: date) -> date:
    """The latest submission date whose reflections have waited more than REVIEW_WORKING_DAYS
    working days by `today` (both days counted). Found by walking back from today: a few
    queries, never one per reflection."""
    day = today - timedelta(days=REVIEW_WORKING_DAYS)
    for _attempt in range(60):  # a long holiday is two weeks at most; do not loop for ever
        if calendar.working_days_between(day, today) > REVIEW_WORKING_DAYS:
            return day
        day -= timedelta(days=1)
    return day


def submitted_before_end_of(day: date) -> datetime:
    """The first instant after `day` in the site's time zone, for submitted_at comparisons."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def overdue_reflections(today: date) -> QuerySet[Reflection]:
    """Reflections still waiting for review more than REVIEW_WORKING_DAYS working days (all of
    them: the reminder job decides who is told)."""
    cutoff = overdue_cutoff(today)
    return (
        Reflection.objects.filter(
            status=ReflectionStatus.SUBMITTED, submitted_at__lt=submitted_before_end_of(cutoff)
        )
        .select_related("person", "person__primary_org")
        .order_by("submitted_at", "id")
    )
