"""Lock order of attendance on a real database with several connections, many rounds each:
'everyone present', QR sign-ins and hand marks at the same instant never deadlock (every write
locks the session row first, then attendance rows in id order, then the ledger rows in person
id order), and the counters and the ledger stay exact."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from grassroots.core.testing import together
from grassroots.study.enums import AttendanceStatus
from grassroots.study.models import Attendance, HoursCredit, MakeUp, StudySession, StudyYear
from grassroots.study.services import sessions as services
from grassroots.study.tests.factories import MakeUpFactory, member_with_account, session_with

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; several connections at once need PostgreSQL",
)

ROUNDS = 20
HOURS = Decimal("2")  # StudySessionFactory's


def _errors(results: list) -> list:
    return [r for r in results if isinstance(r, Exception)]


def _open_session(people) -> StudySession:
    return session_with(
        people,
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
    )


def _assert_exact(sessions, people) -> None:
    """Counters equal the rows; one credit per present row and none for the others; every
    person's ledger equals the sum of their credits."""
    for session in sessions:
        session.refresh_from_db()
        rows = Attendance.objects.filter(session=session)
        present = set(rows.filter(status=AttendanceStatus.PRESENT).values_list("pk", flat=True))
        assert session.present_count == len(present), session
        assert session.expected_count == rows.count(), session
        credited = list(
            HoursCredit.objects.filter(
                source=HoursCredit.Source.ATTENDANCE,
                source_id__in=rows.values_list("pk", flat=True),
            ).values_list("source_id", flat=True)
        )
        assert sorted(credited) == sorted(present), session
    for person in people:
        credits = HoursCredit.objects.filter(person=person).aggregate(s=Sum("hours"))["s"]
        ledger = StudyYear.objects.filter(person=person).aggregate(s=Sum("total"))["s"]
        assert (ledger or 0) == (credits or 0), person


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


@pytest.fixture
def members(county, make_user):
    return [member_with_account(make_user, county.branch1) for _ in range(4)]


@pytest.mark.django_db(transaction=True)
def test_mark_all_present_during_sign_ins_never_deadlocks(secretary, members):
    people = [u.person for u in members]
    for _round in range(ROUNDS):
        session = _open_session(people)

        def work(index, session=session):
            if index == 0:
                return services.attendance_mark_all_present(session=session, actor=secretary)
            return services.attendance_sign_in(session=session, actor=members[index - 1])

        results = together(1 + len(members), work)
        assert not _errors(results), results
        scanned = sum(1 for r in results[1:] if r.counted)
        assert results[0] + scanned == len(members)
        _assert_exact([session], people)
        session.refresh_from_db()
        assert session.present_count == len(members)
    for person in people:
        assert StudyYear.objects.filter(person=person).aggregate(s=Sum("total"))["s"] == (
            HOURS * ROUNDS
        )
        assert HoursCredit.objects.filter(person=person).count() == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_hand_marks_during_mark_all_present_and_sign_ins_never_deadlock(secretary, members):
    """Marks to present (credit), to leave and absent (a credit taken back if 'everyone
    present' got there first), a scan and 'everyone present', all at once."""
    people = [u.person for u in members]
    for _round in range(ROUNDS):
        session = _open_session(people)
        rows = {a.person_id: a for a in Attendance.objects.filter(session=session)}
        mine = [rows[p.pk] for p in people]

        def work(index, session=session, mine=mine):
            if index == 0:
                return services.attendance_mark_all_present(session=session, actor=secretary)
            if index == 1:
                return services.attendance_sign_in(session=session, actor=members[0])
            if index == 2:
                return services.attendance_mark(
                    attendance=mine[1], status=AttendanceStatus.PRESENT, actor=secretary
                )
            if index == 3:
                return services.attendance_mark(
                    attendance=mine[2],
                    status=AttendanceStatus.LEAVE,
                    actor=secretary,
                    reason="病假",
                )
            return services.attendance_mark(
                attendance=mine[3], status=AttendanceStatus.ABSENT, actor=secretary
            )

        results = together(5, work)
        assert not _errors(results), results
        _assert_exact([session], people)
        session.refresh_from_db()
        assert session.present_count == 2
        statuses = dict(
            Attendance.objects.filter(session=session).values_list("person_id", "status")
        )
        assert [statuses[p.pk] for p in people] == ["present", "present", "leave", "absent"]


@pytest.mark.django_db(transaction=True)
def test_two_sessions_of_the_same_people_marked_at_once_never_deadlock(secretary, members):
    """'Everyone present' in two sessions of the same people (whose ledger rows may not exist
    yet), and each one's scans, at once: the ledger rows are taken in one order."""
    people = [u.person for u in members]
    for _round in range(ROUNDS):
        first, second = _open_session(people), _open_session(list(reversed(people)))

        def work(index, sessions=(first, second)):
            session = sessions[index % 2]
            if index < 2:
                return services.attendance_mark_all_present(session=session, actor=secretary)
            return services.attendance_sign_in(session=session, actor=members[index - 2])

        results = together(2 + len(members), work)
        assert not _errors(results), results
        _assert_exact([first, second], people)
        assert (first.present_count, second.present_count) == (len(members), len(members))
    for person in people:
        assert HoursCredit.objects.filter(person=person).count() == 2 * ROUNDS


@pytest.mark.django_db(transaction=True)
def test_resubmitting_while_a_reviewer_approves_never_deadlocks(county, make_user):
    """A member sends a make-up again (from a page opened before) while the reviewer approves
    it: the approval credits once and the second submission is refused, never a deadlock."""
    reviewer = make_user("branch_secretary", county.branch1)
    user = member_with_account(make_user, county.branch1)
    past = timezone.now() - timedelta(days=1)
    for _round in range(ROUNDS):
        session = session_with([user.person], starts_at=past, ends_at=past + timedelta(hours=2))
        attendance = Attendance.objects.get(session=session)
        Attendance.objects.filter(pk=attendance.pk).update(status=AttendanceStatus.ABSENT)
        makeup = MakeUpFactory(attendance=attendance)

        def work(index, attendance=attendance, makeup=makeup):
            if index == 0:
                return services.makeup_approve(makeup=makeup, actor=reviewer)
            return services.makeup_submit(attendance=attendance, actor=user, note="再次提交")

        results = together(2, work)
        assert isinstance(results[0], MakeUp), results
        assert isinstance(results[1], ValidationError), results
        assert HoursCredit.objects.filter(source="makeup", source_id=makeup.pk).count() == 1
    assert StudyYear.objects.filter(person=user.person).aggregate(s=Sum("total"))["s"] == (
        HOURS * ROUNDS
    )
