"""Approval and publicity: the matched list approved at once into publicity, withdrawals,
objections submitted without an account and answered, and the final confirmation refused while
an objection waits or before the window ends."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import (
    ApplicationKind,
    ApplicationStatus,
    EventAction,
    ProgramStatus,
    SecondmentStatus,
)
from grassroots.cadres.models import Application, Objection, SecondmentEvent
from grassroots.cadres.services import publicity as services
from grassroots.cadres.tests import builders
from grassroots.core.testing import grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def selecting(county):
    return builders.program(county, status=ProgramStatus.SELECTING)


@pytest.fixture
def officer(county):
    return builders.officer(county)


def matched(county, program, **kw):
    return builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program, **kw)


def in_publicity(county, officer, count=1):
    program = builders.program(county, status=ProgramStatus.SELECTING)
    placed = [matched(county, program) for _ in range(count)]
    services.program_approve(program=program, actor=officer, comment="同意")
    program.refresh_from_db()
    return program, [p.secondment for p in placed]


def close_window(program):
    program.publicity_starts_on = timezone.localdate() - timedelta(days=10)
    program.publicity_ends_on = timezone.localdate() - timedelta(days=1)
    program.save(update_fields=["publicity_starts_on", "publicity_ends_on"])


def test_approve_moves_every_matched_cadre_into_publicity_with_two_logged_steps(
    county, selecting, officer
):
    first = matched(county, selecting).secondment
    second = matched(county, selecting).secondment
    leftover = Application.objects.create(
        program=selecting,
        person=builders.person_with_user(county.branch2),
        kind=ApplicationKind.VOLUNTARY,
    )
    program = services.program_approve(program=selecting, actor=officer, comment="同意")
    assert program.status == ProgramStatus.PUBLICITY
    assert program.publicity_starts_on == timezone.localdate()
    assert program.publicity_ends_on > program.publicity_starts_on
    for secondment in (first, second):
        secondment.refresh_from_db()
        assert secondment.status == SecondmentStatus.PUBLICITY
        actions = list(
            SecondmentEvent.objects.filter(secondment=secondment).values_list(
                "action", "from_status", "to_status"
            )
        )
        assert actions == [
            (EventAction.APPROVED, "matched", "approved"),
            (EventAction.PUBLICITY, "approved", "publicity"),
        ]
    leftover.refresh_from_db()
    assert leftover.status == ApplicationStatus.NOT_SELECTED


def test_approve_refused_without_any_matched_cadre(selecting, officer):
    with pytest.raises(ValidationError, match="还没有已匹配岗位的人选"):
        services.program_approve(program=selecting, actor=officer)


def test_approve_refused_in_the_wrong_status(county, officer):
    program = builders.program(county, status=ProgramStatus.RECRUITING)
    matched(county, program)
    with pytest.raises(ValidationError, match="不能变为"):
        services.program_approve(program=program, actor=officer)


def test_approve_refused_to_a_viewer_a_host_leader_and_an_officer_of_another_subtree(
    county, selecting
):
    placed = matched(county, selecting)
    viewer = UserFactory()
    grant(viewer, "committee_admin", county.root)
    elsewhere = UserFactory()
    grant(elsewhere, "org_dept_admin", county.town)
    for user in (viewer, placed.host_user, placed.cadre_user, elsewhere):
        with pytest.raises(PermissionDenied):
            services.program_approve(program=selecting, actor=user)
    placed.secondment.refresh_from_db()
    assert placed.secondment.status == SecondmentStatus.MATCHED


def test_approve_refuses_a_window_ending_before_it_starts(county, selecting, officer):
    matched(county, selecting)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.program_approve(
            program=selecting,
            actor=officer,
            publicity_starts_on=today + timedelta(days=3),
            publicity_ends_on=today + timedelta(days=1),
        )
    assert "publicity_ends_on" in caught.value.message_dict
    selecting.refresh_from_db()
    assert selecting.status == ProgramStatus.SELECTING


def test_withdraw_needs_a_reason_and_logs_it(county, officer):
    _program, (secondment,) = in_publicity(county, officer)
    with pytest.raises(ValidationError):
        services.secondment_withdraw(secondment=secondment, actor=officer, reason=" ")
    services.secondment_withdraw(secondment=secondment, actor=officer, reason="本人因病申请退出")
    secondment.refresh_from_db()
    assert secondment.status == SecondmentStatus.WITHDRAWN
    last = secondment.events.last()
    assert last.action == EventAction.WITHDRAWN and last.comment == "本人因病申请退出"


def test_withdraw_refused_to_the_cadre_and_after_placement(county, officer):
    placed = builders.secondment(county, status=SecondmentStatus.MATCHED)
    with pytest.raises(PermissionDenied):
        services.secondment_withdraw(
            secondment=placed.secondment, actor=placed.cadre_user, reason="x"
        )
    running = builders.secondment(county)  # placed
    with pytest.raises(ValidationError, match="不能变为"):
        services.secondment_withdraw(secondment=running.secondment, actor=officer, reason="x")


def test_objection_gets_a_code_and_is_refused_outside_the_window(county, officer):
    program, (secondment,) = in_publicity(county, officer)
    objection = services.objection_submit(
        program=program, content="该同志群众反映较多", secondment=secondment
    )
    assert len(objection.code) == services.CODE_LENGTH
    with pytest.raises(ValidationError):
        services.objection_submit(program=program, content="  ")
    close_window(program)
    with pytest.raises(ValidationError, match="不在公示期内"):
        services.objection_submit(program=program, content="再提一条")


def test_upheld_objection_withdraws_the_cadre_with_the_objection_as_comment(county, officer):
    program, (first, second) = in_publicity(county, officer, count=2)
    objection = services.objection_submit(program=program, content="学历造假")
    services.objection_answer(
        objection=objection, actor=officer, answer="经核实属实", upheld=True, secondment=first
    )
    objection.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert objection.upheld and objection.answered_by == officer
    assert objection.secondment == first
    assert first.status == SecondmentStatus.WITHDRAWN
    assert second.status == SecondmentStatus.PUBLICITY
    steps = list(first.events.values_list("action", flat=True))
    assert steps[-2:] == [EventAction.OBJECTION_ANSWERED, EventAction.WITHDRAWN]
    assert "学历造假" in first.events.last().comment
    with pytest.raises(ValidationError, match="已经答复"):
        services.objection_answer(objection=objection, actor=officer, answer="再答", upheld=False)


def test_answer_refused_to_a_viewer_and_without_text(county, officer):
    program, _rows = in_publicity(county, officer)
    objection = services.objection_submit(program=program, content="有意见")
    viewer = UserFactory()
    grant(viewer, "committee_admin", county.root)
    with pytest.raises(PermissionDenied):
        services.objection_answer(objection=objection, actor=viewer, answer="x", upheld=False)
    with pytest.raises(ValidationError):
        services.objection_answer(objection=objection, actor=officer, answer="", upheld=False)
    assert Objection.objects.get().answered_at is None


def test_confirm_refused_before_the_window_ends_and_while_an_objection_waits(county, officer):
    program, (secondment,) = in_publicity(county, officer)
    with pytest.raises(ValidationError, match="期满后才能确认"):
        services.program_confirm(program=program, actor=officer)
    objection = services.objection_submit(program=program, content="有意见")
    close_window(program)
    with pytest.raises(ValidationError, match="还有 1 条异议未答复"):
        services.program_confirm(program=program, actor=officer)
    services.objection_answer(objection=objection, actor=officer, answer="不属实", upheld=False)
    services.program_confirm(program=program, actor=officer)
    program.refresh_from_db()
    secondment.refresh_from_db()
    assert program.status == ProgramStatus.RUNNING
    assert secondment.status == SecondmentStatus.CONFIRMED
    assert secondment.events.last().action == EventAction.CONFIRMED


def test_confirm_refused_to_a_manager_without_approval_and_to_a_host_leader(county, officer):
    program, (secondment,) = in_publicity(county, officer)
    close_window(program)
    host = secondment.host_leader.user
    with pytest.raises(PermissionDenied):
        services.program_confirm(program=program, actor=host)
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLICITY


def test_notifications_go_out_after_commit(county, officer, django_capture_on_commit_callbacks):
    from grassroots.notifications.models import Notification

    program = builders.program(county, status=ProgramStatus.SELECTING)
    placed = matched(county, program)
    with django_capture_on_commit_callbacks(execute=True):
        services.program_approve(program=program, actor=officer)
    assert Notification.objects.filter(recipient=placed.cadre_user).exists()
