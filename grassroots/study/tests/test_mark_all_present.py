"""Marking everyone still waiting as present at once (a paper sign-in sheet): exact counts and
hours, nobody credited twice, the rows on leave or absent left alone, scope checked."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.enums import AttendanceStatus, StudyKind, StudyMode
from grassroots.study.models import Attendance, HoursCredit, StudyYear
from grassroots.study.services import sessions as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


@pytest.fixture
def session(county, secretary):
    for _ in range(6):
        PersonFactory(primary_org=county.branch1)
    starts = timezone.now() - timedelta(hours=1)
    return services.session_create(
        organization=county.branch1,
        actor=secretary,
        title="集中学习",
        kind=StudyKind.CONCENTRATED,
        mode=StudyMode.IN_PERSON,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        hours=Decimal("3"),
        place="党员活动室",
    )


def test_waiting_people_become_present_with_their_hours_once(session, secretary):
    rows = list(Attendance.objects.filter(session=session).order_by("pk"))
    services.attendance_mark(
        attendance=rows[0], status=AttendanceStatus.LEAVE, actor=secretary, reason="出差"
    )
    services.attendance_mark(attendance=rows[1], status=AttendanceStatus.ABSENT, actor=secretary)
    services.attendance_mark(attendance=rows[2], status=AttendanceStatus.PRESENT, actor=secretary)

    assert services.attendance_mark_all_present(session=session, actor=secretary) == 3
    assert services.attendance_mark_all_present(session=session, actor=secretary) == 0

    statuses = list(
        Attendance.objects.filter(session=session).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["leave", "absent"] + ["present"] * 4
    session.refresh_from_db()
    assert session.present_count == 4
    assert HoursCredit.objects.filter(source="attendance").count() == 4
    year = timezone.localdate(session.starts_at).year
    ledger = StudyYear.objects.filter(year=year).aggregate(t=Sum("total"), c=Sum("concentrated"))
    assert ledger == {"t": Decimal("12"), "c": Decimal("12")}
    # The ledger is exactly the sum of the credits.
    assert HoursCredit.objects.aggregate(h=Sum("hours"))["h"] == Decimal("12")


def test_a_secretary_of_another_branch_is_refused(session, make_user, county):
    other = make_user("branch_secretary", county.branch2)
    with pytest.raises(PermissionDenied):
        services.attendance_mark_all_present(session=session, actor=other)
    assert not HoursCredit.objects.exists()


def test_a_cancelled_session_is_refused(session, secretary):
    services.session_cancel(session=session, actor=secretary, reason="改期")
    with pytest.raises(ValidationError):
        services.attendance_mark_all_present(session=session, actor=secretary)
    assert not Attendance.objects.filter(session=session, status="present").exists()


def test_not_before_the_session_opens(county, secretary):
    PersonFactory(primary_org=county.branch1)
    starts = timezone.now() + timedelta(days=1)
    later = services.session_create(
        organization=county.branch1,
        actor=secretary,
        title="明天的学习",
        kind=StudyKind.BRANCH,
        mode=StudyMode.IN_PERSON,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        hours=Decimal("2"),
        place="党员活动室",
    )
    with pytest.raises(ValidationError):
        services.attendance_mark_all_present(session=later, actor=secretary)
    assert not HoursCredit.objects.exists()


def test_the_button_marks_and_says_how_many(client, session, secretary, make_user, county):
    from django.urls import reverse

    client.force_login(secretary)
    page = client.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    assert 'data-testid="mark-all-present"' in page
    url = reverse("study:session_mark_all_present", args=[session.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "6" in response.content.decode()
    assert Attendance.objects.filter(session=session, status="present").count() == 6
    # Another branch's secretary gets nothing done.
    client.force_login(make_user("branch_secretary", county.branch2))
    assert client.post(url).status_code == 404
