"""Study and quiz data for the benchmark, on the county of `generate.py`: a year of study
sessions with their attendance, the hours credited and the ledger, a question bank and a
county-wide quiz with its graded attempts and results.

The big tables are written with executemany (SQLite) or COPY (PostgreSQL), with ids assigned
here, and every precomputed figure is built from the same rows as the services would build
it: a StudySession's counts from its attendance, a StudyYear from its person's HoursCredit
rows (one per attended session), an attempt's score from `grading.judge` of its answers, a
QuizResult from the person's attempts by the rule of `_refresh_result`. SQL checks at the end
compare the aggregates with the rows they sum.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

QUIZ_TITLE = "全县党员应知应会知识测试（基准）"
MEMBER_USERNAME = "bench_member"
FLUSH_ROWS = 200_000


@dataclass
class StudySize:
    branch_sessions: int  # per branch and month, for the branch and its groups
    general_branch_sessions: int  # per general branch and month
    committee_sessions: int  # per committee and month (training)
    county_sessions: int  # in the year, for the whole county (online)
    questions: int  # in the county's bank
    participation: float = 0.85  # of the quiz's expected people who submit
    attempts_weights: tuple[float, float, float] = (0.3, 0.3, 0.4)  # 1, 2 or 3 attempts


FULL = StudySize(
    branch_sessions=3,
    general_branch_sessions=1,
    committee_sessions=1,
    county_sessions=11,
    questions=600,
)
SMALL = StudySize(
    branch_sessions=2,
    general_branch_sessions=1,
    committee_sessions=1,
    county_sessions=4,
    questions=200,
)


@dataclass
class StudyData:
    quiz_id: int
    member_id: int  # user: a party member of the subtree with a result in the quiz
    year: int
    sessions: int
    attendances: int
    credits: int
    study_years: int
    questions: int
    attempts: int
    answers: int
    results: int
    expected: int  # people expected to take the quiz
    seconds: float


# --- Writing rows in big batches ---------------------------------------------------------


class Tables:
    """Rows buffered per table and written together, parents first (the order the tables
    were added in), in one transaction per flush: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self):
        self.buffers: dict[str, tuple[list[str], list[tuple]]] = {}
        self.written: dict[str, int] = defaultdict(int)

    def add(self, model, fields: list[str]) -> list[tuple]:
        table = model._meta.db_table
        columns = [model._meta.get_field(name).column for name in fields]
        rows: list[tuple] = []
        self.buffers[table] = (columns, rows)
        return rows

    def pending(self) -> int:
        return sum(len(rows) for _columns, rows in self.buffers.values())

    def flush(self) -> None:
        connection.ensure_connection()
        raw = connection.connection
        with transaction.atomic():
            for table, (columns, rows) in self.buffers.items():
                if not rows:
                    continue
                names = ", ".join(f'"{c}"' for c in columns)
                if connection.vendor == "postgresql":
                    with raw.cursor() as cursor:
                        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                            for row in rows:
                                copy.write_row(row)
                else:
                    marks = ", ".join("?" * len(columns))
                    raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
                self.written[table] += len(rows)
                rows.clear()


def _formatter():
    """Aware datetimes as the database stores them: naive UTC text on SQLite (as Django
    writes it), UTC with its offset for PostgreSQL's timestamptz."""
    suffix = "" if connection.vendor == "sqlite" else "+00"

    def fmt(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") + suffix

    return fmt


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _hours(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


# --- Study sessions, attendance, credits and the ledger --------------------------------

# (title, hours in tenths): what a branch, a general branch, a committee and the county hold.
BRANCH_TOPICS = [
    ("支部党员大会：学习党的创新理论", 10),
    ("党小组会：学习《中国共产党章程》", 5),
    ("主题党日：重温入党誓词", 5),
    ("支部学习：学习《中国共产党支部工作条例》", 5),
    ("支部学习：学习习近平新时代中国特色社会主义思想", 10),
    ("党小组会：交流学习体会", 5),
]
GENERAL_BRANCH_TOPICS = [
    ("党总支集中学习：学习贯彻全会精神", 5),
    ("党总支集中学习：党纪学习教育", 5),
]
COMMITTEE_TOPICS = [
    ("专题培训：基层党组织建设", 10),
    ("专题培训：党员教育管理工作", 10),
    ("专题培训：发展党员工作规程", 10),
]
COUNTY_TOPICS = [("全县党员远程教育：专题党课", 10), ("全县党员网络培训：形势政策", 10)]
LEAVE_REASONS = ["因公出差", "身体不适", "家中有事", "参加上级培训", "值班"]


@dataclass
class _Spec:
    org_id: int
    path: str
    kind: str
    mode: str
    title: str
    tenths: int
    starts: datetime


def _session_specs(size: StudySize, orgs, rng: random.Random, now: datetime) -> list[_Spec]:
    """Every session of the twelve months up to the end of this one, by organization level."""
    from django.utils import timezone

    from grassroots.study.enums import StudyKind, StudyMode

    tz = timezone.get_current_timezone()
    local_now = timezone.localtime(now)
    months = []
    year, month = local_now.year, local_now.month
    for _ in range(12):
        months.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    per_month = {
        4: (size.branch_sessions, StudyKind.BRANCH, StudyMode.IN_PERSON, BRANCH_TOPICS),
        3: (
            size.general_branch_sessions,
            StudyKind.CONCENTRATED,
            StudyMode.IN_PERSON,
            GENERAL_BRANCH_TOPICS,
        ),
        2: (size.committee_sessions, StudyKind.TRAINING, StudyMode.IN_PERSON, COMMITTEE_TOPICS),
    }
    specs: list[_Spec] = []

    def at(y: int, m: int) -> datetime:
        day = rng.randint(1, 28)
        hour = rng.choice((9, 10, 14, 15, 19))
        return datetime(y, m, day, hour, rng.choice((0, 30)), tzinfo=tz)

    for org_id, path, depth in orgs:
        if depth not in per_month:
            continue
        count, kind, mode, topics = per_month[depth]
        for y, m in months:
            for _ in range(count):
                title, tenths = rng.choice(topics)
                specs.append(_Spec(org_id, path, kind, mode, title, tenths, at(y, m)))
    root = next(o for o in orgs if o[2] == 1)
    county_months = rng.sample(months, min(size.county_sessions, len(months)))
    for y, m in county_months:
        title, tenths = rng.choice(COUNTY_TOPICS)
        specs.append(
            _Spec(
                root[0], root[1], StudyKind.CONCENTRATED, StudyMode.ONLINE, title, tenths, at(y, m)
            )
        )
    specs.sort(key=lambda s: s.starts)
    return specs


def _study(size: StudySize, rng: random.Random, now: datetime, log) -> dict:
    from django.utils import timezone

    from grassroots.orgs.enums import PersonStatus
    from grassroots.orgs.models import Organization, Person, Position
    from grassroots.study.enums import AttendanceStatus, Audience, SessionStatus, StudyKind
    from grassroots.study.models import Attendance, HoursCredit, StudySession, StudyYear
    from grassroots.study.services.hours import KIND_COLUMN, current_targets

    started = time.monotonic()
    fmt = _formatter()
    step = Organization.steplen
    orgs = list(Organization.objects.values_list("id", "path", "depth"))
    people = list(
        Person.objects.filter(status=PersonStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "primary_org__path")
    )
    pids = [pk for pk, _path in people]
    # The active people of each organization's subtree, as indexes into `pids`.
    within: dict[str, list[int]] = defaultdict(list)
    for index, (_pk, path) in enumerate(people):
        for depth in range(1, min(len(path) // step, 4) + 1):
            within[path[: depth * step]].append(index)
    # How often each person attends: the ledger has people far ahead and far behind.
    presence = [rng.uniform(0.3, 0.95) for _ in pids]

    specs = _session_specs(size, orgs, rng, now)
    log(f"  {len(specs):,} study sessions planned")
    tables = Tables()
    session_rows = tables.add(
        StudySession,
        [
            *("id", "organization", "plan", "title", "kind", "mode", "starts_at", "ends_at"),
            *("place", "link", "teacher", "description", "hours", "audience", "status"),
            *("cancelled_at", "cancel_reason", "expected_count", "present_count", "created_by"),
            *("created_at", "updated_at"),
        ],
    )
    attendance_rows = tables.add(
        Attendance,
        [
            *("id", "session", "person", "status", "signed_in_at", "signed_out_at", "by_hand"),
            *("leave_reason", "marked_by"),
        ],
    )
    credit_rows = tables.add(
        HoursCredit,
        ["id", "person", "year", "kind", "hours", "source", "source_id", "credited_at"],
    )
    kinds = [StudyKind.CONCENTRATED, StudyKind.BRANCH, StudyKind.TRAINING, StudyKind.SELF]
    # tenths of hours credited, per (year, kind): one list indexed like `pids`
    credited: dict[tuple[int, int], list[int]] = {}
    session_id = _next_id(StudySession)
    attendance_id = _next_id(Attendance)
    credit_id = _next_id(HoursCredit)
    PRESENT, LEAVE, ABSENT, EXPECTED = (
        AttendanceStatus.PRESENT.value,
        AttendanceStatus.LEAVE.value,
        AttendanceStatus.ABSENT.value,
        AttendanceStatus.EXPECTED.value,
    )
    ATTENDED = HoursCredit.Source.ATTENDANCE.value
    add_attendance, add_credit = attendance_rows.append, credit_rows.append
    rnd = rng.random
    total_attendance = next_report = 0
    for spec in specs:
        audience = within.get(spec.path, [])
        ends = spec.starts + timedelta(hours=max(1, spec.tenths // 10 + 1))
        starts_s, ends_s = fmt(spec.starts), fmt(ends)
        created_s = fmt(spec.starts - timedelta(days=rng.randint(3, 20)))
        hours_s = _hours(spec.tenths)
        kind = spec.kind.value
        present = 0
        sid = session_id
        session_id += 1
        if spec.starts - timedelta(minutes=30) > now:  # not begun: everyone still expected
            for index in audience:
                add_attendance((attendance_id, sid, pids[index], EXPECTED, None, None, 0, "", None))
                attendance_id += 1
        else:
            year = timezone.localtime(spec.starts).year
            key = (year, kinds.index(spec.kind))
            tally = credited.setdefault(key, [0] * len(pids))
            scans = [fmt(spec.starts - timedelta(minutes=m)) for m in (28, 20, 14, 9, 5, 2, 0, -3)]
            tenths = spec.tenths
            for index in audience:
                r = rnd()
                p = presence[index]
                pid = pids[index]
                if r < p:
                    present += 1
                    if r < p * 0.9:  # scanned the QR code; half of them also signed out
                        signed = scans[int(r * 1000) % 8]
                        out = ends_s if r < p * 0.45 else None
                        add_attendance((attendance_id, sid, pid, PRESENT, signed, out, 0, "", None))
                        credit_at = signed
                    else:  # registered by the organizer's hand
                        add_attendance((attendance_id, sid, pid, PRESENT, None, None, 1, "", None))
                        credit_at = ends_s
                    add_credit(
                        (credit_id, pid, year, kind, hours_s, ATTENDED, attendance_id, credit_at)
                    )
                    credit_id += 1
                    tally[index] += tenths
                elif r < p + (1 - p) * 0.4:
                    reason = LEAVE_REASONS[int(r * 997) % len(LEAVE_REASONS)]
                    add_attendance((attendance_id, sid, pid, LEAVE, None, None, 0, reason, None))
                else:  # recorded absent when the organizer closed the attendance
                    add_attendance((attendance_id, sid, pid, ABSENT, None, None, 1, "", None))
                attendance_id += 1
        session_rows.append(
            (
                *(sid, spec.org_id, None, spec.title, kind, spec.mode.value, starts_s, ends_s),
                "党员活动室" if spec.mode == "in_person" else "各支部活动室收看",
                "https://study.example.cn/live" if spec.mode == "online" else "",
                *("", "", hours_s, Audience.SUBTREE.value, SessionStatus.SCHEDULED.value),
                *(None, "", len(audience), present, None, created_s, created_s),
            )
        )
        total_attendance += len(audience)
        if tables.pending() >= FLUSH_ROWS:
            tables.flush()
            if total_attendance >= next_report:
                log(
                    f"  attendance {total_attendance:,} rows, credits {credit_id:,}"
                    f" ({time.monotonic() - started:.0f} s)"
                )
                next_report = total_attendance + 1_000_000
    tables.flush()

    # The ledger: one row per active person and year, the sum of their credits by kind, and
    # the target of a leader (a current post whose title has a keyword) or of a member.
    targets = current_targets()
    title_q = targets.leader_title_q()
    leaders = (
        set(
            Position.objects.filter(title_q, ended_on__isnull=True).values_list(
                "person_id", flat=True
            )
        )
        if title_q is not None
        else set()
    )
    columns = [KIND_COLUMN[k] for k in kinds]
    year_rows = tables.add(StudyYear, ["id", "person", "year", *columns, "total", "target"])
    years = sorted({y for y, _k in credited} | {timezone.localtime(now).year})
    zeros = [0] * len(pids)
    year_id = _next_id(StudyYear)
    member, leader = str(targets.member), str(targets.leader)
    for year in years:
        tallies = [credited.get((year, k), zeros) for k in range(len(kinds))]
        for index, pid in enumerate(pids):
            parts = [t[index] for t in tallies]
            year_rows.append(
                (
                    year_id,
                    pid,
                    year,
                    *(_hours(t) for t in parts),
                    _hours(sum(parts)),
                    leader if pid in leaders else member,
                )
            )
            year_id += 1
        tables.flush()
    _reset_sequences([StudySession, Attendance, HoursCredit, StudyYear])
    log(
        f"  {len(specs):,} sessions, {tables.written[Attendance._meta.db_table]:,} attendance rows, "
        f"{tables.written[HoursCredit._meta.db_table]:,} credits, "
        f"{tables.written[StudyYear._meta.db_table]:,} ledger rows "
        f"({time.monotonic() - started:.0f} s)"
    )
    return {
        "sessions": len(specs),
        "attendances": tables.written[Attendance._meta.db_table],
        "credits": tables.written[HoursCredit._meta.db_table],
        "study_years": tables.written[StudyYear._meta.db_table],
        "year": timezone.localtime(now).year,
    }


# --- The question bank and the county quiz -----------------------------------------------


@dataclass
class _Question:
    pk: int
    qtype: str
    stem: str
    options: str  # JSON, as stored
    answer: str
    explanation: str
    orders: list[str]  # a few option orders, JSON
    right: tuple[str, int, int]  # (response JSON, correct 0/1, score)
    wrong: list[tuple[str, int, int]]


def _variants(question, points: int, partial: bool, rng: random.Random) -> _Question:
    """The responses an attempt may hold for a question, each judged once by the services'
    own `judge`: the right one and a few wrong (or, for multiple choice, incomplete) ones."""
    from grassroots.quizzes.enums import QuestionType
    from grassroots.quizzes.grading import judge

    qtype, answer, options = question.qtype, question.answer, question.options
    if qtype == QuestionType.SINGLE:
        right = list(answer)
        wrong = [[i] for i in range(len(options)) if i not in answer]
    elif qtype == QuestionType.MULTIPLE:
        right = list(answer)
        wrong = [sorted(set(answer) - {i}) for i in answer]  # one missed: half points if partial
        wrong += [sorted(set(answer) | {i}) for i in range(len(options)) if i not in answer]
    elif qtype == QuestionType.TRUE_FALSE:
        right, wrong = [answer[0]], [[not answer[0]]]
    else:
        right = [accepted[0] for accepted in answer]
        wrong = [["不清楚"] * len(answer)]

    def judged(response) -> tuple[str, int, int]:
        verdict = judge(qtype, answer, response, points, partial_credit=partial)
        return json.dumps(response), int(verdict.correct), verdict.score

    orders = ["[]"]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        orders = []
        for _ in range(6):
            order = list(range(len(options)))
            rng.shuffle(order)
            orders.append(json.dumps(order))
    return _Question(
        pk=question.pk,
        qtype=qtype,
        stem=question.stem,
        options=json.dumps(options),
        answer=json.dumps(answer),
        explanation=question.explanation,
        orders=orders,
        right=judged(right),
        wrong=[judged(w) for w in wrong],
    )


def make_bank(root, count: int) -> list:
    """`count` questions in the root's bank: the demo's questions in numbered sets, with their
    tags. Returns the questions."""
    from grassroots.quizzes.demo import QUESTIONS
    from grassroots.quizzes.grading import fingerprint
    from grassroots.quizzes.models import Question, Tag

    names = sorted({tag for *_rest, tags in QUESTIONS for tag in tags})
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
    existing = set(Question.objects.filter(organization=root).values_list("fingerprint", flat=True))
    new, tag_names = [], []
    for i in range(count):
        qtype, stem, options, answer, explanation, difficulty, names_ = QUESTIONS[
            i % len(QUESTIONS)
        ]
        stem = f"{stem}（第 {i // len(QUESTIONS) + 1} 组）"
        key = fingerprint(qtype, stem, options)
        if key in existing:
            continue
        new.append(
            Question(
                organization=root,
                qtype=qtype,
                stem=stem,
                options=options,
                answer=answer,
                explanation=explanation,
                difficulty=difficulty,
                fingerprint=key,
            )
        )
        tag_names.append(names_)
    with transaction.atomic():
        Question.objects.bulk_create(new, batch_size=500)
        if new and new[0].pk is None:
            by_key = dict(
                Question.objects.filter(organization=root).values_list("fingerprint", "pk")
            )
            for q in new:
                q.pk = q.id = by_key[q.fingerprint]
        through = Question.tags.through
        through.objects.bulk_create(
            [
                through(question_id=q.pk, tag_id=tags[name].pk)
                for q, names_ in zip(new, tag_names, strict=True)
                for name in names_
            ],
            batch_size=2000,
        )
    return list(Question.objects.filter(organization=root, is_active=True).order_by("id"))


def _quiz(size: StudySize, root, rng: random.Random, now: datetime, log) -> dict:
    from grassroots.orgs.enums import PARTY_STATUSES, PersonStatus
    from grassroots.orgs.models import Person
    from grassroots.quizzes.enums import (
        AttemptStatus,
        Audience,
        Difficulty,
        GradingRule,
        QuizStatus,
        Selection,
    )
    from grassroots.quizzes.models import Attempt, AttemptItem, Quiz, QuizResult

    started = time.monotonic()
    fmt = _formatter()
    bank = make_bank(root, size.questions)
    quiz = Quiz.objects.create(
        title=QUIZ_TITLE,
        description="全县党员参加，每人随机抽取20道题，每题5分，限时30分钟，可作答3次，取最高分。",
        organization=root,
        audience=Audience.SUBTREE,
        audience_org=root,
        party_members_only=True,
        selection=Selection.RANDOM,
        draw_easy=8,
        draw_medium=8,
        draw_hard=4,
        points_per_question=5,
        partial_credit=True,
        opens_at=now - timedelta(days=20),
        closes_at=now + timedelta(days=10),
        time_limit_minutes=30,
        max_attempts=3,
        grading_rule=GradingRule.HIGHEST,
        pass_score=60,
        status=QuizStatus.PUBLISHED,
        published_at=now - timedelta(days=21),
    )
    points, limit = quiz.points_per_question, timedelta(minutes=quiz.time_limit_minutes)
    by_level: dict[int, list[_Question]] = defaultdict(list)
    for question in bank:
        by_level[question.difficulty].append(_variants(question, points, quiz.partial_credit, rng))
    draw = [
        (by_level[Difficulty.EASY], quiz.draw_easy),
        (by_level[Difficulty.MEDIUM], quiz.draw_medium),
        (by_level[Difficulty.HARD], quiz.draw_hard),
    ]
    for pool, want in draw:
        assert len(pool) >= want, "the bank is too small for the draw"
    question_count = quiz.draw_total
    max_score = question_count * points
    expected = list(
        Person.objects.filter(status=PersonStatus.ACTIVE, political_status__in=PARTY_STATUSES)
        .order_by("id")
        .values_list("id", flat=True)
    )
    takers = sorted(rng.sample(expected, int(len(expected) * size.participation)))
    log(f"  quiz: {len(bank)} questions in the bank, {len(expected):,} people expected")

    tables = Tables()
    attempt_rows = tables.add(
        Attempt,
        [
            *("id", "quiz", "person", "number", "status", "started_at", "deadline"),
            *("submitted_at", "auto_submitted", "score", "max_score", "correct_count"),
            *("question_count", "time_used_seconds"),
        ],
    )
    item_rows = tables.add(
        AttemptItem,
        [
            *("id", "attempt", "position", "question", "qtype", "stem", "options", "answer"),
            *("explanation", "points", "option_order", "response", "answered_at", "is_correct"),
            "score",
        ],
    )
    result_rows = tables.add(
        QuizResult,
        [
            *("id", "quiz", "person", "score", "best_score", "last_score", "time_used_seconds"),
            *("counted_attempt", "attempts_submitted", "passed", "submitted_at"),
            "last_submitted_at",
        ],
    )
    attempt_id, item_id, result_id = (
        _next_id(Attempt),
        _next_id(AttemptItem),
        _next_id(QuizResult),
    )
    add_item, rnd, sample = item_rows.append, rng.random, rng.sample
    SUBMITTED = AttemptStatus.SUBMITTED.value
    latest = now - timedelta(hours=1)
    for done, person_id in enumerate(takers, start=1):
        tries = rng.choices((1, 2, 3), weights=size.attempts_weights)[0]
        skill = rng.uniform(0.45, 0.97)
        chance = (min(skill + 0.1, 0.99), skill, max(skill - 0.2, 0.05))
        span = (latest - quiz.opens_at).total_seconds() - tries * (86_400 + 1_800)
        moment = quiz.opens_at + timedelta(seconds=rng.uniform(0, span))
        mine = []  # (attempt id, number, score, seconds used, submitted text)
        for number in range(1, tries + 1):
            begun = moment
            deadline = min(begun + limit, quiz.closes_at)
            auto = rnd() < 0.04  # time ran out: submitted at the deadline
            submitted = deadline if auto else begun + timedelta(seconds=rng.randint(240, 1_780))
            used = int((submitted - begun).total_seconds())
            submitted_s = fmt(submitted)
            answered_s = fmt(submitted - timedelta(seconds=20)) if not auto else submitted_s
            chosen = []
            for level, (pool, want) in enumerate(draw):
                chosen += [(q, chance[level]) for q in sample(pool, want)]
            rng.shuffle(chosen)
            score = correct = 0
            for position, (q, p) in enumerate(chosen, start=1):
                r = rnd()
                if r < 0.02:  # left unanswered: judged wrong, no points
                    response, right, points_got, at = None, 0, 0, None
                else:
                    if r < p:
                        response, right, points_got = q.right
                    else:
                        response, right, points_got = q.wrong[int(r * 1009) % len(q.wrong)]
                    at = answered_s
                add_item(
                    (
                        *(item_id, attempt_id, position, q.pk, q.qtype, q.stem, q.options),
                        *(q.answer, q.explanation, points, q.orders[int(r * 997) % len(q.orders)]),
                        *(response, at, right, points_got),
                    )
                )
                item_id += 1
                score += points_got
                correct += right
            attempt_rows.append(
                (
                    *(attempt_id, quiz.pk, person_id, number, SUBMITTED, fmt(begun)),
                    *(fmt(deadline), submitted_s, int(auto), score, max_score, correct),
                    *(question_count, used),
                )
            )
            mine.append((attempt_id, number, score, used, submitted_s))
            attempt_id += 1
            moment = submitted + timedelta(seconds=rng.randint(600, 86_400))
        # As _refresh_result: the best by score, then the shorter time, then the earlier one.
        best = max(mine, key=lambda a: (a[2], -a[3], -a[1]))
        last = mine[-1]
        counted = best if quiz.grading_rule == GradingRule.HIGHEST else last
        result_rows.append(
            (
                *(result_id, quiz.pk, person_id, counted[2], best[2], last[2], counted[3]),
                *(counted[0], len(mine), int(counted[2] >= quiz.pass_score), counted[4]),
                last[4],
            )
        )
        result_id += 1
        if tables.pending() >= FLUSH_ROWS:
            tables.flush()
        if done % 20_000 == 0:
            log(
                f"  quiz: {done:,} people, {item_id:,} answers ({time.monotonic() - started:.0f} s)"
            )
    tables.flush()
    _reset_sequences([Attempt, AttemptItem, QuizResult])
    counts = {
        "questions": len(bank),
        "attempts": tables.written[Attempt._meta.db_table],
        "answers": tables.written[AttemptItem._meta.db_table],
        "results": tables.written[QuizResult._meta.db_table],
        "expected": len(expected),
        "quiz_id": quiz.pk,
    }
    log(
        f"  quiz: {counts['attempts']:,} attempts, {counts['answers']:,} answers, "
        f"{counts['results']:,} results ({time.monotonic() - started:.0f} s)"
    )
    return counts


# --- Checks ------------------------------------------------------------------------------

LEDGER_CHECK = """
SELECT COUNT(*) FROM (
    SELECT person_id, year,
           SUM(hours) AS total,
           SUM(CASE WHEN kind = 'concentrated' THEN hours ELSE 0 END) AS concentrated,
           SUM(CASE WHEN kind = 'branch' THEN hours ELSE 0 END) AS branch,
           SUM(CASE WHEN kind = 'training' THEN hours ELSE 0 END) AS training,
           SUM(CASE WHEN kind = 'self' THEN hours ELSE 0 END) AS self_study
    FROM study_hourscredit GROUP BY person_id, year
) c
FULL OUTER JOIN study_studyyear y ON y.person_id = c.person_id AND y.year = c.year
WHERE c.person_id IS NULL AND y.total <> 0
   OR y.id IS NULL
   OR ABS(y.total - c.total) > 0.01
   OR ABS(y.concentrated - c.concentrated) > 0.01
   OR ABS(y.branch - c.branch) > 0.01
   OR ABS(y.training - c.training) > 0.01
   OR ABS(y.self_study - c.self_study) > 0.01
"""
SESSION_CHECK = """
SELECT COUNT(*) FROM study_studysession s
LEFT JOIN (
    SELECT session_id, COUNT(*) AS n,
           SUM(CASE WHEN status = 'present' THEN 1 ELSE 0 END) AS present
    FROM study_attendance GROUP BY session_id
) a ON a.session_id = s.id
WHERE s.expected_count <> COALESCE(a.n, 0) OR s.present_count <> COALESCE(a.present, 0)
"""
ATTEMPT_CHECK = """
SELECT COUNT(*) FROM quizzes_attempt t
JOIN (
    SELECT attempt_id, SUM(score) AS score, COUNT(*) AS n,
           SUM(CASE WHEN is_correct THEN 1 ELSE 0 END) AS correct
    FROM quizzes_attemptitem GROUP BY attempt_id
) i ON i.attempt_id = t.id
WHERE t.quiz_id = %s
  AND (t.score <> i.score OR t.correct_count <> i.correct OR t.question_count <> i.n)
"""
RESULT_CHECK = """
SELECT (
    SELECT COUNT(*) FROM quizzes_quizresult r
    WHERE r.quiz_id = %s AND (
        r.attempts_submitted <> (
            SELECT COUNT(*) FROM quizzes_attempt a
            WHERE a.quiz_id = r.quiz_id AND a.person_id = r.person_id AND a.status = 'submitted'
        )
        OR r.best_score <> (
            SELECT MAX(a.score) FROM quizzes_attempt a
            WHERE a.quiz_id = r.quiz_id AND a.person_id = r.person_id AND a.status = 'submitted'
        )
        OR r.score <> r.best_score
    )
) + (
    SELECT COUNT(DISTINCT a.person_id) FROM quizzes_attempt a
    WHERE a.quiz_id = %s AND a.status = 'submitted' AND NOT EXISTS (
        SELECT 1 FROM quizzes_quizresult r WHERE r.quiz_id = a.quiz_id AND r.person_id = a.person_id
    )
)
"""


def check(quiz_id: int, log=print) -> dict[str, int]:
    """Rows whose precomputed figures disagree with the rows they sum (all should be 0)."""
    found = {}
    with connection.cursor() as cursor:
        for name, sql, params in (
            ("ledger rows ≠ sum of credits", LEDGER_CHECK, []),
            ("sessions with wrong counts", SESSION_CHECK, []),
            ("attempts ≠ sum of answers", ATTEMPT_CHECK, [quiz_id]),
            ("results ≠ attempts", RESULT_CHECK, [quiz_id, quiz_id]),
        ):
            started = time.monotonic()
            cursor.execute(sql, params)
            found[name] = cursor.fetchone()[0]
            log(f"  check {name}: {found[name]} ({time.monotonic() - started:.1f} s)")
    return found


# --- Entry points ------------------------------------------------------------------------


def generate(size: StudySize, county, *, seed: int = 1, log=print) -> StudyData:
    """Study and quiz data on the county of `generate.generate` (its BenchData)."""
    from django.utils import timezone

    from grassroots.accounts.models import User
    from grassroots.orgs.models import Organization, Person
    from grassroots.quizzes.models import QuizResult
    from grassroots.study.services.hours import targets_refresh

    started = time.monotonic()
    rng = random.Random(seed + 100)
    now = timezone.now()
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        # Room for the indexes that rows arrive in random order for (person, session).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
    try:
        study = _study(size, rng, now, log)
        root = Organization.objects.get(pk=county.root_id)
        quiz = _quiz(size, root, rng, now, log)
    finally:
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -2000")
    # The services' own refresh of this year's targets finds nothing to change.
    changed = targets_refresh(study["year"], create_missing=False)
    if changed:
        log(f"  **targets_refresh changed {changed} ledger rows**")

    subtree = Organization.objects.get(pk=county.subtree_id)
    person = (
        Person.objects.filter(
            primary_org__path__startswith=subtree.path,
            quiz_results__quiz_id=quiz["quiz_id"],
            user__isnull=True,
        )
        .order_by("id")
        .first()
    )
    member = User(username=MEMBER_USERNAME, person=person, mobile=person.mobile)
    member.set_unusable_password()
    member.save()
    log("  analyzing…")
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("ANALYZE")
        else:
            # A loaded table has no visibility map until vacuumed; production's autovacuum
            # would have made one, and index-only scans need it.
            for table in (
                "study_studysession",
                "study_attendance",
                "study_hourscredit",
                "study_studyyear",
                "quizzes_attempt",
                "quizzes_attemptitem",
                "quizzes_quizresult",
                "quizzes_question",
            ):
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    assert QuizResult.objects.filter(quiz_id=quiz["quiz_id"]).count() == quiz["results"]
    return StudyData(
        quiz_id=quiz["quiz_id"],
        member_id=member.pk,
        year=study["year"],
        sessions=study["sessions"],
        attendances=study["attendances"],
        credits=study["credits"],
        study_years=study["study_years"],
        questions=quiz["questions"],
        attempts=quiz["attempts"],
        answers=quiz["answers"],
        results=quiz["results"],
        expected=quiz["expected"],
        seconds=time.monotonic() - started,
    )


def existing() -> StudyData | None:
    """The study data of a database kept with --keep."""
    from django.utils import timezone

    from grassroots.accounts.models import User
    from grassroots.quizzes.models import Attempt, AttemptItem, Question, Quiz, QuizResult
    from grassroots.quizzes.selectors.quizzes import expected_people
    from grassroots.study.models import Attendance, HoursCredit, StudySession, StudyYear

    quiz = Quiz.objects.filter(title=QUIZ_TITLE).select_related("audience_org").first()
    member = User.objects.filter(username=MEMBER_USERNAME).first()
    if quiz is None or member is None:
        return None
    return StudyData(
        quiz_id=quiz.pk,
        member_id=member.pk,
        year=timezone.localdate().year,
        sessions=StudySession.objects.count(),
        attendances=Attendance.objects.count(),
        credits=HoursCredit.objects.count(),
        study_years=StudyYear.objects.count(),
        questions=Question.objects.filter(organization_id=quiz.organization_id).count(),
        attempts=Attempt.objects.filter(quiz=quiz).count(),
        answers=AttemptItem.objects.filter(attempt__quiz=quiz).count(),
        results=QuizResult.objects.filter(quiz=quiz).count(),
        expected=expected_people(quiz).count(),
        seconds=0.0,
    )
