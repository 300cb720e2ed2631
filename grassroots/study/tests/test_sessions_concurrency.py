"""Two scans of the same code at the same instant, and two approvals at once, on a real
database with two connections: the attendance and the ledger count once."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from grassroots.core.testing import at_once
from grassroots.study.models import HoursCredit, StudySession, StudyYear
from grassroots.study.services import hours as hours_services
from grassroots.study.services import sessions as services
from grassroots.study.tests.factories import member_with_account, session_with

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_scans_count_once(county, make_user):
    user = member_with_account(make_user, county.branch1)
    session = session_with(
        [user.person],
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    results = at_once(*[lambda: services.attendance_sign_in(session=session, actor=user)] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.counted) == 1
    session.refresh_from_db()
    assert session.present_count == 1
    assert HoursCredit.objects.count() == 1
    assert StudyYear.objects.get(person=user.person).total == Decimal("2")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_credits_of_one_source_and_first_rows(county):
    from grassroots.orgs.tests.factories import PersonFactory

    person = PersonFactory(primary_org=county.branch1)

    def work():
        return hours_services.credit(
            person_id=person.pk,
            year=2026,
            kind="training",
            hours=Decimal("3"),
            source=HoursCredit.Source.SELF_STUDY,
            source_id=42,
        )

    results = at_once(*[work] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    row = StudyYear.objects.get(person=person, year=2026)
    assert (row.total, row.training) == (Decimal("3"), Decimal("3"))

    # Different sources at once for a person without a row yet: one row, every credit counted.
    other = PersonFactory(primary_org=county.branch1)
    counter = iter(range(100, 200))
    lock = threading.Lock()

    def distinct():
        with lock:
            source_id = next(counter)
        return hours_services.credit(
            person_id=other.pk,
            year=2026,
            kind="branch",
            hours=Decimal("1.5"),
            source=HoursCredit.Source.ATTENDANCE,
            source_id=source_id,
        )

    results = at_once(*[distinct] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 4
    assert StudyYear.objects.filter(person=other).count() == 1
    assert StudyYear.objects.get(person=other).total == Decimal("6")
    assert StudySession.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_credit_once(county, make_user):
    from django.core.exceptions import ValidationError

    from grassroots.study.models import Attendance
    from grassroots.study.tests.factories import MakeUpFactory

    user = member_with_account(make_user, county.branch1)
    session = session_with([user.person], starts_at=timezone.now() - timedelta(days=1))
    attendance = Attendance.objects.get(session=session)
    Attendance.objects.filter(pk=attendance.pk).update(status="absent")
    makeup = MakeUpFactory(attendance=attendance)
    reviewers = [
        make_user("branch_secretary", county.branch1),
        make_user("committee_admin", county.justice),
    ]
    turn = iter(reviewers)
    lock = threading.Lock()

    def approve():
        with lock:
            reviewer = next(turn)
        return services.makeup_approve(makeup=makeup, actor=reviewer)

    results = at_once(*[approve] * 2)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert HoursCredit.objects.filter(source="makeup").count() == 1
    assert StudyYear.objects.get(person=user.person).total == Decimal("2")
