"""Reads of activities, sign-ups and volunteer hours, scoped to the user asking.

Managers (meetings.view_meeting or meetings.manage_meeting on a subtree) see the activities of
their subtrees. A member sees the activities open to them: those of the organizations on their
path (their own organization and every one above it, whose activities are for everyone below),
the joint activities of pairings with a side on that path, and any they signed up for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import access, objects_for, subtree_q
from grassroots.core.selectors import filter_events
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import path_chain

from ..enums import SignupStatus
from ..models import Activity, ActivityPhoto, ActivitySignup, Pairing, VolunteerCredit

VIEW = "meetings.view_meeting"
MANAGE = "meetings.manage_meeting"
ACTIVE_SIGNUP = (SignupStatus.CONFIRMED, SignupStatus.WAITING)


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _org_path_of(user) -> str | None:
    """The path of the user's own organization (cached on the user for the request)."""
    if not getattr(user, "person_id", None):
        return None
    cached = getattr(user, "_activity_org_path", None)
    if cached is None:
        cached = (
            Person.objects.filter(pk=user.person_id)
            .values_list("primary_org__path", flat=True)
            .first()
            or ""
        )
        user._activity_org_path = cached
    return cached or None


def open_to_q(user) -> Q | None:
    """Activities open to the user as a member (see the module docstring)."""
    path = _org_path_of(user)
    if path is None:
        return None
    chain = path_chain(path)
    return (
        Q(organization__path__in=chain)
        | Q(pairing__unit__path__in=chain)
        | Q(pairing__partner__path__in=chain)
        | Q(pk__in=ActivitySignup.objects.filter(person_id=user.person_id).values("activity_id"))
    )


def activities_for(user) -> QuerySet[Activity]:
    """Activities the user may see: those of the subtrees they view or manage (and the joint
    activities of pairings with a side there), and those open to them as a member."""
    combined: Q | None = None
    for codename in (VIEW, MANAGE):
        q = permissions.scope_q(user, codename, "organization__path")
        if q is None:
            continue
        if not q:
            return Activity.objects.all()
        q |= permissions.scope_q(user, codename, "pairing__unit__path")
        q |= permissions.scope_q(user, codename, "pairing__partner__path")
        combined = q if combined is None else combined | q
    own = open_to_q(user)
    if own is not None:
        combined = own if combined is None else combined | own
    return Activity.objects.none() if combined is None else Activity.objects.filter(combined)


def _related(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related(
        "organization", "pairing", "pairing__unit", "pairing__partner", "created_by"
    )


def access_activity(user, pk, codename: str = VIEW) -> Activity:
    if codename == VIEW:
        pk = _pk(pk)
        found = _related(activities_for(user)).filter(pk=pk).first() if pk else None
        if found is None:
            raise Http404
        return found
    return access(user, codename, _related(Activity.objects.all()), pk)


def activity_for_checkin(pk) -> Activity | None:
    """The activity a valid check-in token names: the signed, short-lived token is the proof;
    the service checks the user's sign-up."""
    return Activity.objects.select_related("organization").filter(pk=pk).first()


# --- Lists ---------------------------------------------------------------------------------


@dataclass
class ActivityFilter:
    when: str = "upcoming"  # upcoming, past, all
    kind: str = ""
    status: str = ""
    organization: Organization | None = None
    year: int | None = None
    query: str = ""
    mine: bool = False


def _with_my_status(qs: QuerySet[Activity], user) -> QuerySet[Activity]:
    if getattr(user, "person_id", None):
        mine = ActivitySignup.objects.filter(activity=OuterRef("pk"), person_id=user.person_id)
        qs = qs.annotate(my_status=Subquery(mine.values("status")[:1]))
    return qs


def activity_list(user, flt: ActivityFilter, *, now: datetime | None = None) -> QuerySet[Activity]:
    now = now or timezone.now()
    qs = activities_for(user)
    if flt.mine:
        if not getattr(user, "person_id", None):
            return qs.none()
        qs = qs.filter(
            pk__in=ActivitySignup.objects.filter(
                person_id=user.person_id, status__in=ACTIVE_SIGNUP
            ).values("activity_id")
        )
    if flt.status:
        qs = qs.filter(status=flt.status)
    qs = filter_events(qs, flt, now=now)
    return _with_my_status(qs.select_related("organization", "pairing"), user)


def my_signups(user) -> QuerySet[ActivitySignup]:
    """The member's own sign-ups (not those cancelled), soonest first."""
    if not getattr(user, "person_id", None):
        return ActivitySignup.objects.none()
    return (
        ActivitySignup.objects.filter(person_id=user.person_id, status__in=ACTIVE_SIGNUP)
        .select_related("activity", "activity__organization")
        .order_by("-activity__starts_at", "-id")
    )


def my_signup(user, activity: Activity) -> ActivitySignup | None:
    if not getattr(user, "person_id", None):
        return None
    return ActivitySignup.objects.filter(activity=activity, person_id=user.person_id).first()


def waiting_position(signup: ActivitySignup) -> int | None:
    """1 for the first in line."""
    if signup.status != SignupStatus.WAITING:
        return None
    ahead = ActivitySignup.objects.filter(
        Q(queued_at__lt=signup.queued_at) | Q(queued_at=signup.queued_at, pk__lt=signup.pk),
        activity_id=signup.activity_id,
        status=SignupStatus.WAITING,
    ).count()
    return ahead + 1


def signups_of(activity: Activity, *, status: str = "") -> QuerySet[ActivitySignup]:
    """The sign-up list: confirmed first, then the waiting list, each in line order (callers
    check the user may manage or view the activity)."""
    qs = ActivitySignup.objects.filter(activity=activity)
    if status in SignupStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=ACTIVE_SIGNUP)
    order = Case(
        When(status=SignupStatus.CONFIRMED, then=Value(0)),
        When(status=SignupStatus.WAITING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        qs.select_related("person", "person__primary_org")
        .annotate(line=order)
        .order_by("line", "queued_at", "id")
    )


def access_signup(user, activity: Activity, pk, codename: str = MANAGE) -> ActivitySignup:
    qs = ActivitySignup.objects.filter(activity=activity).select_related(
        "person", "activity__organization"
    )
    return access(user, codename, qs, pk)


def people_to_sign_up(user, activity: Activity, *, limit: int = 500) -> QuerySet[Person]:
    """People a manager may add by hand: active, in the manager's scope or the activity's
    circle (its organization's subtree, or a pairing's sides), not yet on the list."""
    from ..services.activities import eligible_q

    taken = ActivitySignup.objects.filter(activity=activity, status__in=ACTIVE_SIGNUP)
    return (
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .filter(eligible_q(activity))
        .exclude(pk__in=taken.values("person_id"))
        .select_related("primary_org")
        .order_by("primary_org__path", "name_pinyin", "id")
    )


def photos_of(activity: Activity) -> QuerySet[ActivityPhoto]:
    return ActivityPhoto.objects.filter(activity=activity).order_by("created_at", "id")


def access_photo(user, activity: Activity, pk) -> ActivityPhoto:
    photo = ActivityPhoto.objects.filter(activity=activity, pk=_pk(pk)).first()
    if photo is None:
        raise Http404
    return photo


# --- Choices for the form --------------------------------------------------------------------


def manageable_organizations(user) -> QuerySet[Organization]:
    return (
        objects_for(user, MANAGE, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )


def pairing_choices(user) -> QuerySet[Pairing]:
    """Pairings a manager may name on an activity: those whose unit or partner lies in their
    scope, current or ended within the last year."""
    prefixes = permissions.scope_prefixes(user, MANAGE)
    if not prefixes:
        return Pairing.objects.none()
    qs = Pairing.objects.select_related("unit", "partner")
    if permissions.ROOT not in prefixes:
        q = Q()
        for prefix in prefixes:
            q |= subtree_q("unit__path", prefix) | subtree_q("partner__path", prefix)
        qs = qs.filter(q)
    since = date(timezone.localdate().year - 1, 1, 1)
    return qs.filter(ends_on__gte=since).order_by("-starts_on", "id")


# --- Volunteer hours ---------------------------------------------------------------------------


def volunteer_credits_of(person_id: int, year: int) -> QuerySet[VolunteerCredit]:
    return (
        VolunteerCredit.objects.filter(person_id=person_id, year=year)
        .select_related("activity", "activity__organization")
        .order_by("-activity__starts_at", "-id")
    )


def volunteer_years(person_id: int) -> list[int]:
    this_year = timezone.localdate().year
    years = set(
        VolunteerCredit.objects.filter(person_id=person_id)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(this_year)
    return sorted(years, reverse=True)


def volunteer_ledger(organization: Organization, year: int, query: str = ""):
    """Hours of the year per person, under the organization each was in when credited, for
    an organization's subtree (callers check the user may view it). Rows are dicts."""
    qs = VolunteerCredit.objects.filter(
        subtree_q("organization__path", organization.path), year=year
    )
    if query:
        qs = qs.filter(person__name__contains=query[:40])
    return (
        qs.order_by()
        .values("person_id", "person__name", "organization__name", "organization__path")
        .annotate(hours=Sum("hours"), activities=Count("id"))
        .order_by("-hours", "person__name", "person_id", "organization__path")
    )


def volunteer_by_organization(organization: Organization, year: int) -> list[dict]:
    """Totals of the year per organization of the subtree (those with any hours)."""
    return list(
        VolunteerCredit.objects.filter(
            subtree_q("organization__path", organization.path), year=year
        )
        .order_by()
        .values("organization_id", "organization__name", "organization__path")
        .annotate(
            hours=Sum("hours"),
            people=Count("person_id", distinct=True),
            activities=Count("activity_id", distinct=True),
        )
        .order_by("organization__path")
    )
