"""Meetings for the benchmark, on the county of `generate.py`: six years of organizational life
(组织生活) following the default compliance rules, with some branches missing some, and the
attendance list of every meeting.

Every branch holds its 支部委员会 and 主题党日 each month, its 支部党员大会 and 党课 each quarter,
its 组织生活会 and 民主评议党员 each year; every party group its 党小组会 each month; general
branches and committees meet too (their kinds have no rule). An organization's diligence
(most 0.93–1, some 0.75–0.93, a few 0.3–0.7) is the chance that a required meeting is held;
one not held is sometimes on record as cancelled. Meetings start at a random working hour
within their period; those of the coming 30 days are scheduled, later ones do not exist yet.

The list of a meeting is what `meeting_create` makes: every active person whose organization
is the meeting's (members), with now and then someone of the committee invited (列席), and,
at a held meeting, now and then an extra attendee (临时参会). A held meeting has everyone
marked: present (scanned, or by the organizer's hand), on leave (answered the notice) or absent;
a scheduled one has the answers given so far (a leave answer sets the row on leave, as
`meeting_rsvp` does). The counters on Meeting are counted from the same rows as they are
written, and SQL checks compare them afterwards.

Rows go in with executemany (SQLite) or COPY (PostgreSQL) through generate_study's Tables,
with ids assigned here, meetings in the order of their start as a real table fills.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from generate_study import Tables, _formatter, _next_id, _reset_sequences

FLUSH_ROWS = 200_000


@dataclass
class MeetingSize:
    years: int  # whole years up to the end of this one (the coming 30 days at most)


FULL = MeetingSize(years=6)
SMALL = MeetingSize(years=2)


@dataclass
class MeetingData:
    meetings: int
    held: int
    cancelled: int
    scheduled: int
    attendances: int
    first_year: int
    seconds: float


# (kind code, period) of what each kind of organization holds. Branches and groups follow the
# default rules (grassroots/meetings/kinds.py); the others have no rule and meet less strictly.
HOLDS = {
    "branch": [
        ("committee_meeting", "month"),
        ("theme_day", "month"),
        ("general_meeting", "quarter"),
        ("party_lecture", "quarter"),
        ("life_meeting", "year"),
        ("member_appraisal", "year"),
    ],
    "party_group": [("group_meeting", "month")],
    "general_branch": [("committee_meeting", "month")],
    "party_committee": [("other", "month"), ("democratic_life", "year")],
    "working_committee": [("other", "month"), ("democratic_life", "year")],
}
TITLES = {
    "committee_meeting": ["{m}月支委会", "{m}月支委会：研究发展党员工作", "{m}月支委会：党费收缴"],
    "theme_day": ["{m}月主题党日：重温入党誓词", "{m}月主题党日：志愿服务", "{m}月主题党日"],
    "general_meeting": ["第{q}季度支部党员大会", "支部党员大会：学习全会精神"],
    "party_lecture": ["第{q}季度党课：党的光辉历程", "书记讲党课：践行初心使命"],
    "life_meeting": ["{y}年度组织生活会"],
    "member_appraisal": ["{y}年度民主评议党员"],
    "group_meeting": ["{m}月党小组会", "{m}月党小组会：交流学习体会"],
    "other": ["{m}月党委会议", "党委理论学习中心组学习"],
    "democratic_life": ["{y}年度领导班子民主生活会"],
}
# Where in its period a yearly meeting falls: life meetings and appraisals at the year's end
# or the beginning of the next, as the 条例 customs go.
YEAR_END_KINDS = {"life_meeting", "member_appraisal", "democratic_life"}
LEAVE_REASONS = ["因公出差", "身体不适", "家中有事", "参加上级培训", "值班", "外出务工"]
PLACES = ["党员活动室", "会议室", "村委会议室", "社区党群服务中心", "线上会议"]


@dataclass
class _Spec:
    org_id: int
    kind_code: str
    starts: datetime
    status: str
    title: str
    cancel: bool = False


def _periods(first_year: int, last_year: int, period: str):
    """(first month, months) of each period from January of first_year to December of
    last_year."""
    step = {"month": 1, "quarter": 3, "year": 12}[period]
    for year in range(first_year, last_year + 1):
        for month in range(1, 13, step):
            yield year, month, step


def _specs(size: MeetingSize, orgs, diligence, rng: random.Random, now: datetime) -> list[_Spec]:
    from django.utils import timezone

    from grassroots.meetings.enums import MeetingStatus

    tz = timezone.get_current_timezone()
    local_now = timezone.localtime(now)
    last_year = local_now.year
    first_year = last_year - size.years + 1
    horizon = now + timedelta(days=30)
    recent = now - timedelta(days=7)
    HELD, CANCELLED, SCHEDULED = (
        MeetingStatus.HELD.value,
        MeetingStatus.CANCELLED.value,
        MeetingStatus.SCHEDULED.value,
    )
    rnd, randint, choice = rng.random, rng.randint, rng.choice
    specs: list[_Spec] = []
    for org_id, kind in orgs:
        holds = HOLDS.get(kind)
        if not holds:
            continue
        d = diligence[org_id]
        if kind not in ("branch", "party_group"):
            d = min(d, 0.85)  # no rule asks it of them: they meet less regularly
        for code, period in holds:
            titles = TITLES[code]
            for year, month, months in _periods(first_year, last_year, period):
                if code in YEAR_END_KINDS:
                    month, months = (12, 1) if rnd() < 0.7 else (rng.choice((1, 2)), 1)
                day_month = month + randint(0, months - 1)
                day = randint(1, 28)
                hour, minute = choice(((9, 0), (9, 30), (14, 30), (15, 0), (19, 30)))
                starts = datetime(year, day_month, day, hour, minute, tzinfo=tz)
                if starts > horizon:
                    continue
                title = choice(titles).format(y=year, m=day_month, q=(month - 1) // 3 + 1)
                if starts > now:
                    specs.append(_Spec(org_id, code, starts, SCHEDULED, title))
                    continue
                if rnd() < d:
                    # Now and then a past one is not marked held yet (pending on the page).
                    status = SCHEDULED if starts > recent and rnd() < 0.2 else HELD
                    specs.append(_Spec(org_id, code, starts, status, title))
                    # A second one in some months (an extra 支委会 before a big decision).
                    if period == "month" and rnd() < 0.03:
                        again = starts + timedelta(days=randint(1, 3))
                        if again <= now:
                            specs.append(_Spec(org_id, code, again, HELD, title + "（二）"))
                elif rnd() < 0.2:
                    specs.append(_Spec(org_id, code, starts, CANCELLED, title, cancel=True))
    specs.sort(key=lambda s: s.starts)
    return specs


def _diligence(org_ids, rng: random.Random) -> dict[int, float]:
    out = {}
    for org_id in org_ids:
        r = rng.random()
        if r < 0.80:
            out[org_id] = rng.uniform(0.93, 1.0)
        elif r < 0.95:
            out[org_id] = rng.uniform(0.75, 0.93)
        else:
            out[org_id] = rng.uniform(0.3, 0.7)
    return out


def _meetings(size: MeetingSize, rng: random.Random, now: datetime, log) -> dict:
    from django.utils import timezone

    from grassroots.meetings.enums import AttendanceStatus, AttendeeRole, MeetingStatus, Rsvp
    from grassroots.meetings.models import Meeting, MeetingAttendance, MeetingKind
    from grassroots.orgs.enums import PersonStatus
    from grassroots.orgs.models import Organization, Person

    started = time.monotonic()
    fmt = _formatter()
    step = Organization.steplen
    org_rows = list(
        Organization.objects.values_list("id", "kind__code", "path", "secretary_id", "depth")
    )
    orgs = [(pk, kind) for pk, kind, _p, _s, _d in org_rows]
    path_of = {pk: path for pk, _k, path, _s, _d in org_rows}
    id_of_path = {path: pk for pk, _k, path, _s, _d in org_rows}
    secretary_of = {pk: s for pk, _k, _p, s, _d in org_rows}
    kinds = dict(MeetingKind.objects.values_list("code", "id"))
    members: dict[int, list[int]] = defaultdict(list)
    committee_people: dict[str, list[int]] = defaultdict(list)  # committee path → its people
    for pk, org_id, org_path in (
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "primary_org_id", "primary_org__path")
    ):
        members[org_id].append(pk)
        committee_people[org_path[: 2 * step]].append(pk)
    # The secretaries of a general branch's branches sit in on its committee meetings.
    branch_secretaries: dict[int, list[int]] = defaultdict(list)
    for _pk, kind, path, secretary, _depth in org_rows:
        if kind == "branch" and secretary:
            branch_secretaries[id_of_path.get(path[:-step])].append(secretary)
    presence: dict[int, float] = {}

    def presence_of(pid: int) -> float:
        p = presence.get(pid)
        if p is None:
            p = presence[pid] = rng.uniform(0.55, 0.98)
        return p

    diligence = _diligence([pk for pk, _k in orgs], rng)
    specs = _specs(size, orgs, diligence, rng, now)
    log(f"  {len(specs):,} meetings planned")

    tables = Tables()
    meeting_rows = tables.add(
        Meeting,
        [
            *("id", "organization", "kind", "title", "topic", "starts_at", "ends_at", "place"),
            *("link", "host", "recorder", "agenda", "lecturer", "allow_extra", "status"),
            *("notified_at", "cancel_reason", "expected_count", "present_count"),
            *("leave_count", "extra_count", "created_by", "created_at", "updated_at"),
        ],
    )
    attendance_rows = tables.add(
        MeetingAttendance,
        [
            *("id", "meeting", "person", "role", "rsvp", "rsvp_at", "leave_reason", "status"),
            *("checked_in_at", "by_hand", "marked_by"),
        ],
    )
    add = attendance_rows.append
    meeting_id = _next_id(Meeting)
    attendance_id = _next_id(MeetingAttendance)
    HELD, CANCELLED = MeetingStatus.HELD.value, MeetingStatus.CANCELLED.value
    MEMBER, INVITED, EXTRA = (
        AttendeeRole.MEMBER.value,
        AttendeeRole.INVITED.value,
        AttendeeRole.EXTRA.value,
    )
    PRESENT, LEAVE, ABSENT, EXPECTED = (
        AttendanceStatus.PRESENT.value,
        AttendanceStatus.LEAVE.value,
        AttendanceStatus.ABSENT.value,
        AttendanceStatus.EXPECTED.value,
    )
    NONE, ATTENDING, ON_LEAVE = Rsvp.NONE.value, Rsvp.ATTENDING.value, Rsvp.LEAVE.value
    rnd, randint, choice = rng.random, rng.randint, rng.choice
    counts = defaultdict(int)
    next_report = 1_000_000
    for spec in specs:
        mid = meeting_id
        meeting_id += 1
        org_id = spec.org_id
        listed = members.get(org_id, [])
        committee = committee_people.get(path_of[org_id][: 2 * step], [])
        invited: list[int] = []
        if spec.kind_code == "committee_meeting" and org_id in branch_secretaries:
            invited = branch_secretaries[org_id]
        elif (
            spec.kind_code in ("general_meeting", "party_lecture", "life_meeting")
            and committee
            and rnd() < 0.1
        ):
            guest = choice(committee)
            if guest not in listed:
                invited = [guest]
        allow_extra = rnd() < 0.1
        starts = spec.starts
        ends = starts + timedelta(minutes=choice((60, 90, 120)))
        starts_s, ends_s = fmt(starts), fmt(ends)
        notified = starts - timedelta(days=randint(1, 5))
        notified_s = fmt(notified)
        rsvp_s = fmt(notified + timedelta(hours=randint(1, 20)))
        created_s = fmt(notified - timedelta(hours=randint(1, 48)))
        expected = present = leave = extra = 0
        status = spec.status
        for role, people in ((MEMBER, listed), (INVITED, invited)):
            for pid in people:
                expected += 1
                p = presence_of(pid)
                r = rnd()
                if status == HELD:
                    if r < p:
                        present += 1
                        answered = ATTENDING if r < p * 0.5 else NONE
                        if r < p * 0.85:  # scanned the code
                            scan = fmt(starts - timedelta(minutes=int(r * 1000) % 25))
                            add(
                                (
                                    attendance_id,
                                    mid,
                                    pid,
                                    role,
                                    answered,
                                    rsvp_s if answered != NONE else None,
                                    "",
                                    PRESENT,
                                    scan,
                                    0,
                                    None,
                                )
                            )
                        else:  # marked by the organizer's hand
                            add(
                                (
                                    attendance_id,
                                    mid,
                                    pid,
                                    role,
                                    answered,
                                    rsvp_s if answered != NONE else None,
                                    "",
                                    PRESENT,
                                    None,
                                    1,
                                    None,
                                )
                            )
                    elif r < p + (1 - p) * 0.6:
                        leave += 1
                        reason = LEAVE_REASONS[int(r * 997) % len(LEAVE_REASONS)]
                        add(
                            (
                                attendance_id,
                                mid,
                                pid,
                                role,
                                ON_LEAVE,
                                rsvp_s,
                                reason,
                                LEAVE,
                                None,
                                0,
                                None,
                            )
                        )
                    else:  # marked absent when the attendance was closed
                        add((attendance_id, mid, pid, role, NONE, None, "", ABSENT, None, 1, None))
                else:  # scheduled or cancelled: the answers given so far
                    if r < (1 - p) * 0.5:
                        leave += 1
                        reason = LEAVE_REASONS[int(r * 997) % len(LEAVE_REASONS)]
                        add(
                            (
                                attendance_id,
                                mid,
                                pid,
                                role,
                                ON_LEAVE,
                                rsvp_s,
                                reason,
                                LEAVE,
                                None,
                                0,
                                None,
                            )
                        )
                    elif r < 0.5:
                        add(
                            (
                                attendance_id,
                                mid,
                                pid,
                                role,
                                ATTENDING,
                                rsvp_s,
                                "",
                                EXPECTED,
                                None,
                                0,
                                None,
                            )
                        )
                    else:
                        add(
                            (attendance_id, mid, pid, role, NONE, None, "", EXPECTED, None, 0, None)
                        )
                attendance_id += 1
        if status == HELD and allow_extra and committee and rnd() < 0.5:
            on_list = set(listed) | set(invited)
            for _ in range(randint(1, 2)):
                guest = choice(committee)
                if guest in on_list:
                    continue
                on_list.add(guest)
                extra += 1
                scan = fmt(starts + timedelta(minutes=randint(0, 10)))
                add((attendance_id, mid, guest, EXTRA, NONE, None, "", PRESENT, scan, 0, None))
                attendance_id += 1
        code = spec.kind_code
        secretary = secretary_of.get(org_id)
        meeting_rows.append(
            (
                *(mid, org_id, kinds[code], spec.title, "", starts_s, ends_s),
                "" if code == "theme_day" and rnd() < 0.3 else choice(PLACES),
                *("", secretary, None, "", "书记" if code == "party_lecture" else ""),
                *(int(allow_extra), status, notified_s),
                "时间冲突，另行安排" if status == CANCELLED else "",
                *(expected, present, leave, extra, None, created_s),
                fmt(ends + timedelta(hours=1)) if status == HELD else created_s,
            )
        )
        counts[status] += 1
        if tables.pending() >= FLUSH_ROWS:
            tables.flush()
            if attendance_id >= next_report:
                log(
                    f"  meetings {mid:,}, attendance {attendance_id:,} rows"
                    f" ({time.monotonic() - started:.0f} s)"
                )
                next_report = attendance_id + 2_000_000
    tables.flush()
    _reset_sequences([Meeting, MeetingAttendance])
    written = tables.written[MeetingAttendance._meta.db_table]
    log(
        f"  {len(specs):,} meetings ({counts[HELD]:,} held, {counts[CANCELLED]:,} cancelled, "
        f"{counts[MeetingStatus.SCHEDULED.value]:,} scheduled), {written:,} attendance rows "
        f"({time.monotonic() - started:.0f} s)"
    )
    return {
        "meetings": len(specs),
        "held": counts[HELD],
        "cancelled": counts[CANCELLED],
        "scheduled": counts[MeetingStatus.SCHEDULED.value],
        "attendances": written,
        "first_year": timezone.localtime(now).year - size.years + 1,
    }


@contextmanager
def _bare_tables(tables: list[str], log):
    """PostgreSQL: load `tables` without their secondary indexes, unique and foreign key
    constraints (dropped first, built again afterwards from their own definitions). Ten
    million rows COPied into a table with six indexes that outgrow shared_buffers spend most
    of their time in random index writes; one sort per index afterwards is several times
    faster. SQLite: nothing to do (its executemany into a warm cache is fast enough)."""
    if connection.vendor != "postgresql":
        yield
        return
    saved: list[tuple[str, list[tuple[str, str]], list[str]]] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                "WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall()
            for name, _definition in constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            saved.append((table, constraints, [d for _n, d in indexes]))
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for table, constraints, indexes in saved:
                for definition in indexes:
                    cursor.execute(definition)
                for name, definition in constraints:  # unique ones first: they make indexes
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("RESET maintenance_work_mem")
        log(f"  indexes and constraints built again ({time.monotonic() - started:.0f} s)")


# --- Checks ------------------------------------------------------------------------------

COUNTER_CHECK = """
SELECT COUNT(*) FROM meetings_meeting m
LEFT JOIN (
    SELECT meeting_id,
           SUM(CASE WHEN role IN ('member', 'invited') THEN 1 ELSE 0 END) AS expected,
           SUM(CASE WHEN role IN ('member', 'invited') AND status = 'present' THEN 1 ELSE 0 END)
               AS present,
           SUM(CASE WHEN role IN ('member', 'invited') AND status = 'leave' THEN 1 ELSE 0 END)
               AS on_leave,
           SUM(CASE WHEN role = 'extra' THEN 1 ELSE 0 END) AS extra
    FROM meetings_meetingattendance GROUP BY meeting_id
) a ON a.meeting_id = m.id
WHERE m.expected_count <> COALESCE(a.expected, 0)
   OR m.present_count <> COALESCE(a.present, 0)
   OR m.leave_count <> COALESCE(a.on_leave, 0)
   OR m.extra_count <> COALESCE(a.extra, 0)
"""
HELD_UNMARKED_CHECK = """
SELECT COUNT(*) FROM meetings_meetingattendance a
JOIN meetings_meeting m ON m.id = a.meeting_id
WHERE m.status = 'held' AND a.status = 'expected'
"""
LIST_CHECK = """
SELECT COUNT(*) FROM meetings_meetingattendance a
JOIN orgs_person p ON p.id = a.person_id
JOIN meetings_meeting m ON m.id = a.meeting_id
WHERE a.role = 'member' AND p.primary_org_id <> m.organization_id
"""


def check(log=print) -> dict[str, int]:
    """Rows that disagree with what the services would have written (all should be 0)."""
    from grassroots.meetings.models import Meeting, MeetingAttendance
    from grassroots.orgs.models import Person

    tables = {
        "meetings_meeting": Meeting._meta.db_table,
        "meetings_meetingattendance": MeetingAttendance._meta.db_table,
        "orgs_person": Person._meta.db_table,
    }
    found = {}
    with connection.cursor() as cursor:
        for name, sql in (
            ("meetings with counters ≠ rows", COUNTER_CHECK),
            ("rows left expected at held meetings", HELD_UNMARKED_CHECK),
            ("members not of the meeting's organization", LIST_CHECK),
        ):
            for default, actual in tables.items():
                sql = sql.replace(default, actual)
            started = time.monotonic()
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
            log(f"  check {name}: {found[name]} ({time.monotonic() - started:.1f} s)")
    return found


def compliance_share(log=print) -> str:
    """How compliant the county looks last quarter (a sanity check of the data, not a test)."""
    from django.utils import timezone

    from grassroots.meetings.compliance import MISSING, compliance
    from grassroots.meetings.enums import Period
    from grassroots.meetings.periods import period_of
    from grassroots.orgs.enums import OrgStatus
    from grassroots.orgs.models import Organization

    today = timezone.localdate()
    last_quarter = period_of(period_of(today, Period.QUARTER).start - timedelta(days=1), "quarter")
    orgs = list(Organization.objects.filter(status=OrgStatus.ACTIVE).order_by("path"))
    rows = [r for r in compliance(orgs, last_quarter, today, within="") if r.checks]
    missing = sum(1 for r in rows if r.status == MISSING)
    text = (
        f"{last_quarter.label}: {len(rows):,} organizations with rules, "
        f"{missing:,} ({missing / max(len(rows), 1):.0%}) missed at least one"
    )
    log(f"  {text}")
    return text


# --- Entry points ------------------------------------------------------------------------


def generate(size: MeetingSize, *, seed: int = 1, log=print) -> MeetingData:
    from django.utils import timezone

    from grassroots.meetings.kinds import ensure_defaults

    started = time.monotonic()
    rng = random.Random(seed + 200)
    now = timezone.now()
    ensure_defaults()  # the rules of the county's kinds of organization (0002 may have run first)
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
    from grassroots.meetings.models import Meeting, MeetingAttendance

    try:
        with _bare_tables([Meeting._meta.db_table, MeetingAttendance._meta.db_table], log):
            counts = _meetings(size, rng, now, log)
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -2000")
    log("  analyzing…")
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("ANALYZE")
        else:
            for table in ("meetings_meeting", "meetings_meetingattendance"):
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    return MeetingData(**counts, seconds=time.monotonic() - started)


def existing() -> MeetingData | None:
    """The meetings of a database kept with --keep."""
    from django.db.models import Count, Min

    from grassroots.meetings.models import Meeting, MeetingAttendance

    by_status = dict(Meeting.objects.values_list("status").annotate(n=Count("id")).order_by())
    if not by_status:
        return None
    first = Meeting.objects.aggregate(m=Min("starts_at"))["m"]
    return MeetingData(
        meetings=sum(by_status.values()),
        held=by_status.get("held", 0),
        cancelled=by_status.get("cancelled", 0),
        scheduled=by_status.get("scheduled", 0),
        attendances=MeetingAttendance.objects.count(),
        first_year=first.year,
        seconds=0.0,
    )
