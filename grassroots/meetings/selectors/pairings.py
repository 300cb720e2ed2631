"""Reads of pairings (挂点联系 / 结对共建), scoped to the user: a pairing is seen from either
side (meetings.view_meeting on the unit's or on the partner's subtree) and managed from the
unit's side (meetings.manage_pairing).

Joint activities are counted per quarter of a year in local time (Asia/Shanghai) in one
grouped query. Only activities whose status is *held* count: an activity still open for
sign-up may never take place, and a cancelled one did not; "nothing done in a quarter" means
no joint activity was actually held in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from grassroots.core import permissions
from grassroots.core.permissions import scope_q, subtree_q
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person

from ..enums import ActivityStatus, Period
from ..models import Activity, Pairing
from ..periods import PeriodRange, period_of, periods_within

VIEW = "meetings.view_meeting"
MANAGE = "meetings.manage_pairing"
QUARTERS = ("q1", "q2", "q3", "q4")


def _visible_q(user) -> Q | None:
    """Q for the pairings the user sees, None for none, Q() for all."""
    parts = [
        scope_q(user, VIEW, "unit__path"),
        scope_q(user, VIEW, "partner__path"),
        scope_q(user, MANAGE, "unit__path"),
    ]
    parts = [q for q in parts if q is not None]
    if not parts:
        return None
    if any(not q for q in parts):  # a grant on the root: the whole tree
        return Q()
    combined = Q()
    for q in parts:
        combined |= q
    return combined


def pairings_for(user) -> QuerySet[Pairing]:
    """Pairings the user may see, in one query (both sides are joined once: no duplicates)."""
    q = _visible_q(user)
    if q is None:
        return Pairing.objects.none()
    return Pairing.objects.filter(q)


def may_manage(user, pairing: Pairing) -> bool:
    return permissions.user_can(user, MANAGE, pairing)


def access_pairing(user, pk) -> Pairing:
    """One pairing the user may see, with both sides and contacts; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    pairing = (
        pairings_for(user)
        .select_related("unit", "partner", "unit_contact", "partner_contact", "created_by")
        .filter(pk=pk)
        .first()
    )
    if pairing is None:
        raise Http404
    return pairing


def year_quarters(year: int) -> list[PeriodRange]:
    return periods_within(period_of(date(year, 1, 1), Period.YEAR), Period.QUARTER)


def _held_between(start: PeriodRange) -> Q:
    return Q(
        activities__status=ActivityStatus.HELD,
        activities__starts_at__gte=start.start_at,
        activities__starts_at__lt=start.end_at,
    )


def with_quarter_counts(pairings: QuerySet[Pairing], year: int, today: date | None = None):
    """Annotate q1..q4 (joint activities held in each quarter of `year`) and `this_quarter`
    (held in the current quarter), all in the one grouped query of the list."""
    today = today or timezone.localdate()
    counts = {
        name: Count("activities", filter=_held_between(quarter))
        for name, quarter in zip(QUARTERS, year_quarters(year), strict=True)
    }
    counts["this_quarter"] = Count(
        "activities", filter=_held_between(period_of(today, Period.QUARTER))
    )
    return pairings.annotate(**counts)


def _last_day_alias(qs: QuerySet[Pairing]) -> QuerySet[Pairing]:
    return qs.alias(last_day=Coalesce(F("ended_early_on"), F("ends_on")))


@dataclass
class PairingFilter:
    year: int
    kind: str = ""
    state: str = ""  # "", "active", "ended", "upcoming"
    idle: bool = False  # active today and nothing held this quarter
    organization: Organization | None = None


def pairing_list(user, flt: PairingFilter, today: date | None = None) -> QuerySet[Pairing]:
    """The pairings of the list page and the export: those whose term overlaps the year, with
    the quarter counts, sides and contacts in one query."""
    today = today or timezone.localdate()
    qs = _last_day_alias(pairings_for(user)).filter(
        starts_on__lte=date(flt.year, 12, 31), last_day__gte=date(flt.year, 1, 1)
    )
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.organization is not None:
        path = flt.organization.path
        qs = qs.filter(subtree_q("unit__path", path) | subtree_q("partner__path", path))
    active = Q(starts_on__lte=today, last_day__gte=today)
    if flt.state == "active" or flt.idle:
        qs = qs.filter(active)
    elif flt.state == "ended":
        qs = qs.filter(last_day__lt=today)
    elif flt.state == "upcoming":
        qs = qs.filter(starts_on__gt=today)
    qs = with_quarter_counts(qs, flt.year, today)
    if flt.idle:
        qs = qs.filter(this_quarter=0)
    return qs.select_related("unit", "partner", "unit_contact", "partner_contact").order_by(
        "unit__path", "partner__path", "-starts_on", "id"
    )


@dataclass
class QuarterCell:
    quarter: PeriodRange
    count: int
    state: str  # "na" outside the term, "ok", "missing" (over, none), "due" (current, none),
    # "future"

    @property
    def label(self) -> str:
        return self.quarter.label


def quarter_cells(pairing: Pairing, year: int, today: date | None = None) -> list[QuarterCell]:
    """The four quarters of `year` for an annotated pairing: a quarter that is over with
    nothing held stands out (missing), the current one with nothing yet is due."""
    today = today or timezone.localdate()
    first = pairing.starts_on
    last = pairing.ended_early_on or pairing.ends_on
    cells = []
    for name, quarter in zip(QUARTERS, year_quarters(year), strict=True):
        count = getattr(pairing, name, 0) or 0
        if last < quarter.start or first >= quarter.end:
            state = "na"
        elif count:
            state = "ok"
        elif quarter.end <= today:
            state = "missing"
        elif quarter.start <= today:
            state = "due"
        else:
            state = "future"
        cells.append(QuarterCell(quarter=quarter, count=count, state=state))
    return cells


def pairing_state(pairing: Pairing, today: date | None = None) -> str:
    today = today or timezone.localdate()
    last = pairing.ended_early_on or pairing.ends_on
    if pairing.starts_on > today:
        return "upcoming"
    if last < today:
        return "ended"
    return "active"


def pairing_with_counts(pairing: Pairing, year: int, today: date | None = None) -> Pairing:
    """The quarter counts of one pairing (its detail page)."""
    row = with_quarter_counts(Pairing.objects.filter(pk=pairing.pk), year, today).values(
        *QUARTERS, "this_quarter"
    )[0]
    for key, value in row.items():
        setattr(pairing, key, value)
    return pairing


def joint_activities(pairing: Pairing, *, limit: int = 200) -> list[Activity]:
    """The pairing's joint activities, newest first: its log, shown to whoever sees it."""
    return list(
        Activity.objects.filter(pairing=pairing)
        .select_related("organization")
        .only(
            "id",
            "title",
            "kind",
            "status",
            "starts_at",
            "place",
            "organization__name",
            "organization__short_name",
        )
        .order_by("-starts_at", "-id")[:limit]
    )


def activity_years(pairing: Pairing) -> list[int]:
    """The years of the pairing's term, newest first (the detail page's year picker)."""
    last = pairing.ended_early_on or pairing.ends_on
    return list(range(last.year, pairing.starts_on.year - 1, -1))


# --- Choices of the form -----------------------------------------------------------------


def unit_choices(user) -> QuerySet[Organization]:
    """Organizations a manager may pair from: active, within manage_pairing."""
    return (
        permissions.objects_for(user, MANAGE, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )


def partner_choices() -> QuerySet[Organization]:
    """Any active organization may be the partner (a department pairs with a community far
    outside its own subtree)."""
    return (
        Organization.objects.filter(status=OrgStatus.ACTIVE)
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )


def active_people() -> QuerySet[Person]:
    return Person.objects.filter(status=PersonStatus.ACTIVE)


def contact_choices(organization: Organization | None) -> QuerySet[Person]:
    """Active people of an organization's subtree, by name (the service checks the choice)."""
    people = active_people().select_related("primary_org")
    if organization is None:
        return people.none()
    return people.filter(subtree_q("primary_org__path", organization.path)).order_by(
        "name_pinyin", "id"
    )
