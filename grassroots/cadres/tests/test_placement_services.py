"""Placement under three-party management: the host leader and group named, placement refused
without them or without the required pre-dispatch training, the report schedule made, bulk
placement reporting who could not be placed, and the end of the term."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import EventAction, ProgramStatus, SecondmentStatus
from grassroots.cadres.models import CadreGroup, ProgramTraining, Report
from grassroots.cadres.services import placement as services
from grassroots.cadres.tests import builders
from grassroots.core.testing import grant
from grassroots.study.enums import AttendanceStatus
from grassroots.study.tests.factories import AttendanceFactory, StudySessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(county):
    return builders.officer(county)


@pytest.fixture
def confirmed(county):
    return builders.secondment(county, status=SecondmentStatus.CONFIRMED)


def training(county, program, *people, required=True, title="岗前培训班"):
    session = StudySessionFactory(
        organization=county.dept,
        title=title,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=3),
    )
    ProgramTraining.objects.create(program=program, session=session, required=required)
    for person in people:
        AttendanceFactory(session=session, person=person, status=AttendanceStatus.PRESENT)
    return session


def test_place_makes_the_report_schedule_and_logs_the_step(county, confirmed, officer):
    training(county, confirmed.secondment.program, confirmed.cadre)
    today = timezone.localdate()
    placed = services.secondment_place(
        secondment=confirmed.secondment, placed_on=today, actor=officer
    )
    assert placed.status == SecondmentStatus.PLACED and placed.placed_on == today
    assert Report.objects.filter(secondment=placed).exists()
    event = placed.events.last()
    assert (event.action, event.from_status, event.to_status) == (
        EventAction.PLACED,
        "confirmed",
        "placed",
    )


def test_place_refused_without_training_attendance_naming_the_session(county, confirmed, officer):
    training(county, confirmed.secondment.program, title="挂职干部岗前培训")
    training(county, confirmed.secondment.program, title="选修讲座", required=False)
    with pytest.raises(ValidationError, match="未参加岗前培训“挂职干部岗前培训”") as caught:
        services.secondment_place(
            secondment=confirmed.secondment, placed_on=timezone.localdate(), actor=officer
        )
    assert "选修讲座" not in str(caught.value)
    confirmed.secondment.refresh_from_db()
    assert confirmed.secondment.status == SecondmentStatus.CONFIRMED
    assert not Report.objects.exists()


def test_absent_or_on_leave_is_not_attendance(county, confirmed, officer):
    session = training(county, confirmed.secondment.program)
    AttendanceFactory(session=session, person=confirmed.cadre, status=AttendanceStatus.LEAVE)
    with pytest.raises(ValidationError, match="未参加岗前培训"):
        services.secondment_place(
            secondment=confirmed.secondment, placed_on=timezone.localdate(), actor=officer
        )


def test_place_refused_without_host_leader_or_group(county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    secondment = placed.secondment
    secondment.host_leader = None
    secondment.group = None
    secondment.save(update_fields=["host_leader", "group"])
    with pytest.raises(ValidationError, match="尚未确定接收单位联系领导") as caught:
        services.secondment_place(
            secondment=secondment, placed_on=timezone.localdate(), actor=officer
        )
    assert "尚未确定所在小组" in str(caught.value)


def test_place_refused_in_the_wrong_status_and_to_others(county, officer):
    matched = builders.secondment(county, status=SecondmentStatus.MATCHED)
    with pytest.raises(ValidationError, match="不能变为"):
        services.secondment_place(
            secondment=matched.secondment, placed_on=timezone.localdate(), actor=officer
        )
    confirmed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    viewer = UserFactory()
    grant(viewer, "committee_admin", county.root)
    elsewhere = UserFactory()
    grant(elsewhere, "org_dept_admin", county.town)
    for user in (
        confirmed.host_user,
        confirmed.group_user,
        confirmed.cadre_user,
        viewer,
        elsewhere,
    ):
        with pytest.raises(PermissionDenied):
            services.secondment_place(
                secondment=confirmed.secondment, placed_on=timezone.localdate(), actor=user
            )


def test_place_refuses_a_date_in_the_future(county, confirmed, officer):
    with pytest.raises(ValidationError) as caught:
        services.secondment_place(
            secondment=confirmed.secondment,
            placed_on=timezone.localdate() + timedelta(days=2),
            actor=officer,
        )
    assert "placed_on" in caught.value.message_dict


def test_place_notifies_the_three_parties(
    county, confirmed, officer, django_capture_on_commit_callbacks
):
    from grassroots.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        services.secondment_place(
            secondment=confirmed.secondment, placed_on=timezone.localdate(), actor=officer
        )
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {confirmed.cadre_user.pk, confirmed.host_user.pk, confirmed.group_user.pk}


def test_set_managers_checks_the_host_subtree_and_the_program(county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.APPROVED)
    secondment = placed.secondment
    in_host = builders.person_with_user(county.community)  # below 城关镇党委
    outside = builders.person_with_user(county.branch2)
    other_program = builders.program(county, status=ProgramStatus.RUNNING)
    foreign_group = CadreGroup.objects.create(program=other_program, name="外组", leader=outside)
    with pytest.raises(ValidationError) as caught:
        services.secondment_set_managers(
            secondment=secondment, host_leader=outside, group=foreign_group, actor=officer
        )
    assert set(caught.value.message_dict) == {"host_leader", "group"}
    services.secondment_set_managers(
        secondment=secondment, host_leader=in_host, group=secondment.group, actor=officer
    )
    secondment.refresh_from_db()
    assert secondment.host_leader == in_host
    assert secondment.events.last().action == EventAction.MANAGERS_SET
    with pytest.raises(PermissionDenied):
        services.secondment_set_managers(
            secondment=secondment,
            host_leader=in_host,
            group=secondment.group,
            actor=placed.host_user,
        )


def test_bulk_place_places_the_ready_and_reports_the_others(county, officer):
    program = builders.program(county, status=ProgramStatus.RUNNING)
    ready = builders.secondment(county, status=SecondmentStatus.CONFIRMED, program_obj=program)
    lacking = builders.secondment(county, status=SecondmentStatus.CONFIRMED, program_obj=program)
    training(county, program, ready.cadre, title="集中培训")
    outcome = services.program_place_all(
        program=program, placed_on=timezone.localdate(), actor=officer
    )
    assert [s.pk for s in outcome.placed] == [ready.secondment.pk]
    assert [(s.pk, "集中培训" in message) for s, message in outcome.refused] == [
        (lacking.secondment.pk, True)
    ]
    lacking.secondment.refresh_from_db()
    assert lacking.secondment.status == SecondmentStatus.CONFIRMED
    with pytest.raises(PermissionDenied):
        services.program_place_all(
            program=program, placed_on=timezone.localdate(), actor=ready.host_user
        )


def test_complete_at_term_end_and_early_with_a_reason(county, officer):
    ended = builders.secondment(
        county, starts_on=date(2025, 3, 1), ends_on=date(2026, 2, 28), placed_on=date(2025, 3, 1)
    )
    done = services.secondment_complete(secondment=ended.secondment, actor=officer)
    assert done.status == SecondmentStatus.COMPLETED
    running = builders.secondment(county)
    from grassroots.cadres.services.reports import reports_schedule

    reports_schedule(secondment=running.secondment)
    with pytest.raises(ValidationError, match="提前结束须说明原因"):
        services.secondment_complete(secondment=running.secondment, actor=officer)
    services.secondment_complete(
        secondment=running.secondment, actor=officer, comment="工作需要提前召回"
    )
    running.secondment.refresh_from_db()
    assert running.secondment.ends_on == timezone.localdate()
    assert not Report.objects.filter(
        secondment=running.secondment, period_start__gt=timezone.localdate()
    ).exists()
    assert running.secondment.events.last().comment == "工作需要提前召回"


def test_complete_refused_before_placement_and_to_the_host_leader(county, officer):
    confirmed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    with pytest.raises(ValidationError, match="不能变为"):
        services.secondment_complete(secondment=confirmed.secondment, actor=officer, comment="x")
    placed = builders.secondment(county)
    with pytest.raises(PermissionDenied):
        services.secondment_complete(
            secondment=placed.secondment, actor=placed.host_user, comment="x"
        )
