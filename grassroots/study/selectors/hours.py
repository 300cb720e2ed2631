"""Reads of the hours ledger: a member's own year, a branch's ledger and the comparison of
branches. The aggregate pages read the precomputed StudyYear rows (one per person and year),
never the credits, in a constant number of queries whatever the number of people."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from grassroots.core.permissions import subtree_q
from grassroots.orgs import counts as org_counts
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import root_paths, subtree_counts, with_subtree_totals

from ..caching import LEDGER
from ..enums import StudyKind
from ..models import Attendance, HoursCredit, MakeUp, SelfStudy, StudyYear
from ..services.hours import KIND_COLUMN, current_targets, person_target

ZERO = Decimal("0")


def elapsed_fraction(year: int, today: date | None = None) -> Decimal:
    """How much of `year` has passed by the start of `today`: 0 before it, 1 after it."""
    today = today or timezone.localdate()
    if today.year < year:
        return Decimal("0")
    if today.year > year:
        return Decimal("1")
    days = 366 if pycalendar.isleap(year) else 365
    passed = (today - date(year, 1, 1)).days
    return (Decimal(passed) / Decimal(days)).quantize(Decimal("0.0001"))


def hours_text(value: Decimal) -> str:
    """12.0 → "12", 1.5 → "1.5": hours as people write them."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(total, target) -> int:
    if not target:
        return 100
    return min(int(Decimal(total) * 100 / Decimal(target)), 999)


# --- A member's own ledger ----------------------------------------------------------------


@dataclass
class YearView:
    year: int
    target: Decimal
    total: Decimal
    by_kind: list[tuple[str, str, Decimal]]  # (kind, label, hours)
    percent: int
    expected_by_now: Decimal
    behind: bool


def year_view(person: Person, year: int, today: date | None = None) -> YearView:
    row = StudyYear.objects.filter(person=person, year=year).first()
    if row is None:
        row = StudyYear(person=person, year=year, target=person_target(person.pk))
    expected = (row.target * elapsed_fraction(year, today)).quantize(Decimal("0.1"))
    return YearView(
        year=year,
        target=row.target,
        total=row.total,
        by_kind=[
            (kind, label, getattr(row, KIND_COLUMN[kind])) for kind, label in StudyKind.choices
        ],
        percent=percent(row.total, row.target),
        expected_by_now=expected,
        behind=row.total < expected,
    )


def years_of(person: Person) -> list[int]:
    this_year = timezone.localdate().year
    years = set(StudyYear.objects.filter(person=person).values_list("year", flat=True))
    years.add(this_year)
    return sorted(years, reverse=True)


@dataclass
class CreditLine:
    credit: HoursCredit
    label: str
    url_name: str = ""
    url_arg: int | None = None


def credits_of(person: Person, year: int) -> list[CreditLine]:
    """The credits of a person's year with what each came from: four queries at most."""
    credits = list(
        HoursCredit.objects.filter(person=person, year=year).order_by("-credited_at", "-id")
    )
    by_source: dict[str, list[int]] = {}
    for c in credits:
        by_source.setdefault(c.source, []).append(c.source_id)
    Source = HoursCredit.Source
    attended = {
        pk: (title, session_id)
        for pk, title, session_id in Attendance.objects.filter(
            pk__in=by_source.get(Source.ATTENDANCE, [])
        ).values_list("pk", "session__title", "session_id")
    }
    makeups = {
        pk: (title, session_id)
        for pk, title, session_id in MakeUp.objects.filter(
            pk__in=by_source.get(Source.MAKEUP, [])
        ).values_list("pk", "attendance__session__title", "attendance__session_id")
    }
    selfs = dict(
        SelfStudy.objects.filter(pk__in=by_source.get(Source.SELF_STUDY, [])).values_list(
            "pk", "title"
        )
    )
    lines = []
    for c in credits:
        if c.source == Source.ATTENDANCE:
            title, session_id = attended.get(c.source_id, ("—", None))
            lines.append(CreditLine(c, title, "study:session_detail", session_id))
        elif c.source == Source.MAKEUP:
            title, _session_id = makeups.get(c.source_id, ("—", None))
            lines.append(CreditLine(c, title, "study:makeup_detail", c.source_id))
        else:
            lines.append(
                CreditLine(c, selfs.get(c.source_id, "—"), "study:self_study_detail", c.source_id)
            )
    return lines


def attendance_history(person: Person) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(person=person)
        .select_related("session", "session__organization", "makeup")
        .order_by("-session__starts_at", "-id")
    )


def self_studies_of(person: Person) -> QuerySet[SelfStudy]:
    return SelfStudy.objects.filter(person=person).order_by("-studied_on", "-id")


# --- The ledger of an organization (学时台账) ---------------------------------------------


def _within(org: Organization):
    """A function of a path lookup giving the filter to `org`'s subtree: none at all when
    `org` is the only top organization (one small query to know, made once)."""
    whole = org.depth == 1 and root_paths() == [org.path]
    return lambda lookup: Q() if whole else subtree_q(lookup, org.path)


@dataclass
class LedgerFilter:
    organization: Organization
    year: int
    show: str = ""  # "", "behind" (behind schedule), "unfinished" (below the yearly target)
    query: str = ""
    today: date | None = None


@dataclass
class LedgerLine:
    """One person's line of the ledger."""

    person_id: int
    name: str
    organization: Organization
    concentrated: Decimal
    branch: Decimal
    training: Decimal
    self_study: Decimal
    total: Decimal
    target: Decimal
    progress: float  # percent of the target
    behind: bool = False  # behind schedule (set by the page, which knows the date)

    @property
    def percent(self) -> int:
        return min(int(self.progress), 999)


class Ledger:
    """The ledger of a subtree as one sliceable sequence for the Paginator: first the people
    with a StudyYear row, best first, read in the order of the ranking index (a page of a
    county costs a page of rows, not a sort of the county); then the active people without a
    row yet, who have no hours (the nightly refresh gives everyone a row; this keeps the
    ledger whole before it runs)."""

    def __init__(
        self,
        rows: QuerySet[StudyYear],
        missing: QuerySet[Person] | None,
        target: Decimal,
        *,
        everyone: QuerySet[Person] | None = None,
    ):
        # everyone: when nothing narrows the ledger it holds each active person of the
        # subtree once, so its length is a plain count of them (no join, no anti-join).
        self.rows, self.missing, self.target, self.everyone = rows, missing, target, everyone
        self._total: int | None = None
        self._with_rows: int | None = None

    def _rows_count(self) -> int:
        if self._with_rows is None:
            self._with_rows = self.rows.count()
        return self._with_rows

    def count(self) -> int:
        if self._total is None:
            if self.everyone is not None:
                self._total = self.everyone.count()
            else:
                missing = self.missing.count() if self.missing is not None else 0
                self._total = self._rows_count() + missing
        return self._total

    def __len__(self) -> int:
        return self.count()

    def _row_line(self, row: StudyYear) -> LedgerLine:
        person = row.person
        return LedgerLine(
            person.pk,
            person.name,
            person.primary_org,
            row.concentrated,
            row.branch,
            row.training,
            row.self_study,
            row.total,
            row.target,
            row.progress or 0.0,
        )

    def _empty_line(self, person: Person) -> LedgerLine:
        return LedgerLine(
            person.pk,
            person.name,
            person.primary_org,
            ZERO,
            ZERO,
            ZERO,
            ZERO,
            ZERO,
            self.target,
            0.0,
        )

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("the ledger is read in pages")
        start = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        lines = [self._row_line(r) for r in self.rows[start:stop]]
        if len(lines) < stop - start and self.missing is not None:
            # The rows ran out within this page: the people without one follow.
            with_rows = start + len(lines) if lines else self._rows_count()
            part = self.missing[max(0, start - with_rows) : stop - with_rows]
            lines += [self._empty_line(p) for p in part]
        return lines

    def __iter__(self):
        for row in self.rows.iterator(chunk_size=2000):
            yield self._row_line(row)
        if self.missing is not None:
            for person in self.missing.iterator(chunk_size=2000):
                yield self._empty_line(person)


def ledger(flt: LedgerFilter) -> Ledger:
    """Active people of the organization's subtree with their hours of the year, ranked by
    completion. Callers check the user may view the organization."""
    within = _within(flt.organization)
    rows = (
        StudyYear.objects.filter(year=flt.year, person__status=PersonStatus.ACTIVE)
        .filter(within("person__primary_org__path"))
        .select_related("person", "person__primary_org")
        .only(
            *("concentrated", "branch", "training", "self_study", "total", "target", "progress"),
            *("person__id", "person__name", "person__primary_org__name"),
            "person__primary_org__short_name",
        )
        .order_by("-progress", "person_id")
    )
    people = Person.objects.filter(status=PersonStatus.ACTIVE).filter(within("primary_org__path"))
    has_row = StudyYear.objects.filter(person=OuterRef("pk"), year=flt.year)
    missing = (
        people.exclude(Exists(has_row))
        .select_related("primary_org")
        .only("id", "name", "primary_org__name", "primary_org__short_name")
        .order_by("name_pinyin", "id")
    )
    if flt.query:
        rows = rows.filter(person__name__contains=flt.query[:40])
        missing = missing.filter(name__contains=flt.query[:40])
    fraction = elapsed_fraction(flt.year, flt.today)
    if flt.show == "unfinished":
        rows = rows.filter(total__lt=F("target"))
    elif flt.show == "behind":
        rows = rows.filter(progress__lt=float(fraction) * 100)
        if fraction <= 0:
            missing = None
    narrowed = bool(flt.query or flt.show)
    return Ledger(rows, missing, current_targets().member, everyone=None if narrowed else people)


@dataclass
class CompareRow:
    organization: Organization | None  # None: the people directly in the compared organization
    name: str
    people: int = 0
    hours: Decimal = ZERO
    done: int = 0
    behind: int = 0
    children: list = field(default_factory=list)

    @property
    def average(self) -> Decimal:
        if not self.people:
            return ZERO
        return (self.hours / self.people).quantize(Decimal("0.1"))

    @property
    def completion(self) -> float:
        if not self.people:
            return 0.0
        return round(self.done * 100 / self.people, 1)


def compare(organization: Organization, year: int, today: date | None = None) -> dict:
    """The organizations directly below `organization`, each with its whole subtree: active
    people, hours of the year, average, how many reached the target and how many are behind
    schedule. The people come from the organization counts the tree pages share (cached
    between writes); the hours are one aggregate of the StudyYear rows grouped by the child
    each person's organization lies under."""
    children = list(
        Organization.objects.filter(
            subtree_q("path", organization.path),
            depth=organization.depth + 1,
            status=OrgStatus.ACTIVE,
        )
        .only("id", "name", "short_name", "path", "depth", "numchild")
        .order_by("path")
    )
    memo: dict = {}
    with_subtree_totals(children, counts=memo, within=organization.path)
    rows = {
        child.path: CompareRow(child, child.display_name, people=child.people_total)
        for child in children
    }
    own = CompareRow(None, organization.display_name)
    own.people = subtree_counts(organization, counts=memo)["people"] - sum(
        c.people_total for c in children
    )
    child_len = len(organization.path) + Organization.steplen
    within = _within(organization)
    path_of = dict(Organization.objects.filter(within("path")).values_list("id", "path"))
    fraction = elapsed_fraction(year, today)

    def aggregate() -> list[tuple]:
        return list(
            StudyYear.objects.filter(year=year, person__status=PersonStatus.ACTIVE)
            .filter(within("person__primary_org__path"))
            .order_by()
            .values_list("person__primary_org_id")
            .annotate(
                n=Count("id"),
                hours=Sum("total"),
                done=Count("id", filter=Q(progress__gte=100)),
                behind=Count("id", filter=Q(progress__lt=float(fraction) * 100)),
            )
        )

    # The one costly part at county scale: kept until the ledger, or people and organizations,
    # change (exact between writes), and per day, since "behind schedule" moves with the date.
    sums = LEDGER.cached(
        f"compare:{organization.path or 'all'}:{year}:{fraction}",
        aggregate,
        depends_on=[org_counts.COUNTS],
    )
    with_rows: dict[int, int] = {}
    for org_id, n, hours, done, behind in sums:
        path = path_of.get(org_id, "")
        row = own if len(path) < child_len else rows.get(path[:child_len])
        if row is None or not path:
            continue  # under a dissolved child: not compared
        row.hours += hours or ZERO
        row.done += done
        row.behind += behind
        with_rows[id(row)] = with_rows.get(id(row), 0) + n
    ordered = [rows[c.path] for c in children]
    every = [*ordered, own]
    for row in every:
        # People without a StudyYear row have no hours yet: behind once the year has begun.
        missing = row.people - with_rows.get(id(row), 0)
        if fraction > 0 and missing > 0:
            row.behind += missing
    total = CompareRow(organization, organization.display_name)
    for row in every:
        total.people += row.people
        total.hours += row.hours
        total.done += row.done
        total.behind += row.behind
    return {
        "rows": ordered,
        "own": own if own.people else None,
        "total": total,
        "fraction": fraction,
    }


def chart_data(result: dict) -> dict:
    rows = result["rows"] + ([result["own"]] if result["own"] else [])
    return {
        "names": [r.name for r in rows],
        "completion": [r.completion for r in rows],
        "average": [float(r.average) for r in rows],
    }
