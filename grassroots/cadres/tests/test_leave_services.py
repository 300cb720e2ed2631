"""Leave requests: the checks on submission (calendar, backdating, overlap, term, attachment),
the approval level by level with its notifications, the approvers allowed and refused, withdrawal
and 销假, and the illegal moves."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.cadres.enums import EventAction, LeaveStatus, SecondmentStatus
from grassroots.cadres.models import LeaveRequest, LeaveStep, SecondmentEvent
from grassroots.cadres.services import leave as services
from grassroots.cadres.tests import builders
from grassroots.cadres.tests.test_leave_support import (
    GROUP,
    HOST,
    ORG,
    ask,
    html_as_pdf,
    pdf_file,
    placed,
    span,
)
from grassroots.core.testing import grant
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db


def notified(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind=services.NOTIFY_KIND)
        .order_by("id")
        .values_list("title", flat=True)
    )


def events(secondment) -> list[str]:
    return list(
        SecondmentEvent.objects.filter(secondment=secondment)
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- The official calendar -----------------------------------------------------------------------


@pytest.fixture
def in_2026(county, settings):
    """The default builders' program runs 2026-03-01 to 2027-02-28; backdating is no limit
    here (these dates are in the past when the tests run)."""
    settings.CADRES_LEAVE_BACKDATE_DAYS = 100_000
    return builders.secondment(county)


def test_national_day_week_counts_working_days_only(in_2026):
    # 2026: National Day and its week off are 10-01 to 10-07 (国办发明电〔2025〕7号); 09-30 (Wed),
    # 10-08 (Thu) and 10-09 (Fri) are working days, and Saturday 10-10 is a make-up workday.
    p = in_2026
    leave = ask(p, starts_on=date(2026, 9, 30), ends_on=date(2026, 10, 9))
    assert leave.days == 3
    assert leave.levels == [HOST, GROUP]  # more than 2 working days
    services.leave_cancel(request=leave, actor=p.cadre_user)
    with_saturday = ask(p, starts_on=date(2026, 9, 30), ends_on=date(2026, 10, 10))
    assert with_saturday.days == 4


def test_a_request_entirely_on_holidays_is_refused(in_2026):
    with pytest.raises(ValidationError, match="所选日期均为节假日"):
        ask(in_2026, starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 7))
    with pytest.raises(ValidationError, match="所选日期均为节假日"):
        ask(in_2026, starts_on=date(2026, 10, 11), ends_on=date(2026, 10, 11))  # a Sunday
    assert not LeaveRequest.objects.exists()


# --- Checks on submission ------------------------------------------------------------------------


def test_the_first_approver_is_told_and_the_event_logged(
    county, django_capture_on_commit_callbacks
):
    p = placed(county)
    with django_capture_on_commit_callbacks(execute=True):
        leave = ask(p, 1)
    assert (leave.status, leave.days, leave.levels) == (LeaveStatus.PENDING, 1, [HOST])
    assert notified(p.host_user) and not notified(p.group_user) and not notified(p.cadre_user)
    assert events(p.secondment) == [EventAction.LEAVE_REQUESTED]


def test_an_overlapping_request_is_refused_naming_the_other(county):
    p = placed(county)
    first = ask(p, 3)
    with pytest.raises(ValidationError) as caught:
        ask(p, starts_on=first.ends_on, ends_on=first.ends_on + timedelta(days=3))
    message = " ".join(caught.value.messages)
    assert "日期重叠" in message and first.starts_on.isoformat() in message
    assert first.ends_on.isoformat() in message
    # The days after it are free; a withdrawn or refused request holds nothing.
    later = ask(p, 1, after=(first.ends_on - timezone.localdate()).days + 1)
    services.leave_cancel(request=later, actor=p.cadre_user)
    again = ask(p, starts_on=later.starts_on, ends_on=later.ends_on)
    assert again.pk != later.pk


def test_a_return_frees_the_rest_of_the_leave(county):
    p = placed(county)
    start = timezone.localdate() - timedelta(days=3)
    leave = ask(p, starts_on=start, ends_on=start + timedelta(days=20))
    LeaveRequest.objects.filter(pk=leave.pk).update(status=LeaveStatus.APPROVED)
    services.leave_return(request=leave, returned_on=timezone.localdate(), actor=p.cadre_user)
    with pytest.raises(ValidationError, match="日期重叠"):
        ask(p, starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=9))
    ask(p, 1, after=1)  # from the day after the return


def test_the_backdating_limit_is_the_configured_one(county, settings):
    settings.CADRES_LEAVE_BACKDATE_DAYS = 3
    p = placed(county)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="请假开始日期不能早于 3 天前"):
        ask(p, starts_on=today - timedelta(days=4), ends_on=today + timedelta(days=14))
    leave = ask(p, starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=14))
    assert leave.starts_on == today - timedelta(days=3)


def test_outside_the_term_is_refused(county):
    p = placed(county)
    end = p.secondment.ends_on
    with pytest.raises(ValidationError, match="必须在挂职期内"):
        ask(p, starts_on=end - timedelta(days=2), ends_on=end + timedelta(days=10))


def test_end_before_start_is_refused(county):
    p = placed(county)
    start, _end = span(2)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        ask(p, starts_on=start, ends_on=start - timedelta(days=1))


def test_only_the_cadre_asks_and_only_while_placed(county):
    p = placed(county)
    for actor in (p.host_user, p.group_user, builders.officer(county), UserFactory()):
        with pytest.raises(PermissionDenied):
            ask(p, 1, actor=actor)
    confirmed = placed(county, status=SecondmentStatus.CONFIRMED)
    assert ask(confirmed, 1).status == LeaveStatus.PENDING
    done = placed(county, status=SecondmentStatus.COMPLETED)
    with pytest.raises(ValidationError, match="不能请假"):
        ask(done, 1)


def test_an_attachment_is_checked_and_kept(county, settings):
    p = placed(county)
    leave = ask(p, 1, attachment=pdf_file())
    assert leave.attachment_name == "病假证明.pdf"
    assert leave.attachment.name.startswith("cadres/leave/")
    assert leave.attachment.read().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (html_as_pdf, "文件内容与扩展名不符"),
        (lambda: pdf_file(size=1024 * 1024 + 1), "文件过大：不能超过 1 MB"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_kept(county, settings, upload, message):
    settings.CADRES_LEAVE_ATTACHMENT_MAX_MB = 1
    p = placed(county)
    with pytest.raises(ValidationError) as caught:
        ask(p, 1, attachment=upload())
    assert message in " ".join(caught.value.message_dict["attachment"])
    assert not LeaveRequest.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [f for f in media.rglob("*") if f.is_file()]


# --- Approval level by level ---------------------------------------------------------------------


def test_two_levels_tell_each_approver_in_turn_and_the_cadre_at_the_end(
    county, django_capture_on_commit_callbacks
):
    p = placed(county)
    with django_capture_on_commit_callbacks(execute=True):
        leave = ask(p, 3)
    assert len(notified(p.host_user)) == 1 and not notified(p.group_user)

    with django_capture_on_commit_callbacks(execute=True):
        leave = services.leave_decide(
            request=leave, approve=True, comment="同意", actor=p.host_user
        )
    assert (leave.status, leave.current_level) == (LeaveStatus.PENDING, 1)
    assert len(notified(p.group_user)) == 1
    assert not notified(p.cadre_user)  # not yet: only the outcome

    with django_capture_on_commit_callbacks(execute=True):
        leave = services.leave_decide(request=leave, approve=True, comment="", actor=p.group_user)
    assert leave.status == LeaveStatus.APPROVED
    assert len(notified(p.cadre_user)) == 1 and "已批准" in notified(p.cadre_user)[0]
    steps = list(
        LeaveStep.objects.filter(request=leave).values_list("level", "approver", "approved")
    )
    assert steps == [(0, HOST, True), (1, GROUP, True)]
    assert events(p.secondment) == [EventAction.LEAVE_REQUESTED, EventAction.LEAVE_APPROVED]


def test_the_organizing_body_decides_the_third_level(county, django_capture_on_commit_callbacks):
    p = placed(county)
    officer = builders.officer(county)
    leave = ask(p, 6)
    assert leave.levels == [HOST, GROUP, ORG]
    leave = services.leave_decide(request=leave, approve=True, actor=p.host_user)
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.leave_decide(request=leave, approve=True, actor=p.group_user)
    assert len(notified(officer)) == 1
    leave = services.leave_decide(request=leave, approve=True, actor=officer)
    assert leave.status == LeaveStatus.APPROVED


def test_a_refusal_ends_it_and_tells_the_cadre(county, django_capture_on_commit_callbacks):
    p = placed(county)
    leave = ask(p, 3)
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.leave_decide(
            request=leave, approve=False, comment="工作任务重", actor=p.host_user
        )
    assert leave.status == LeaveStatus.REJECTED
    assert len(notified(p.cadre_user)) == 1 and not notified(p.group_user)
    assert events(p.secondment)[-1] == EventAction.LEAVE_REJECTED
    # Refused days are free again.
    assert ask(p, starts_on=leave.starts_on, ends_on=leave.ends_on).status == LeaveStatus.PENDING


def test_wrong_approvers_are_refused(county, make_user):
    p = placed(county)
    other = placed(county)
    viewer = make_user("committee_admin", county.root)  # sees the program, may not approve
    leave = ask(p, 6)
    for actor in (p.group_user, p.cadre_user, other.cadre_user, other.host_user, viewer):
        with pytest.raises(PermissionDenied):
            services.leave_decide(request=leave, approve=True, actor=actor)
    leave = services.leave_decide(request=leave, approve=True, actor=p.host_user)
    for actor in (p.host_user, viewer, builders.officer(county)):
        with pytest.raises(PermissionDenied):
            services.leave_decide(request=leave, approve=True, actor=actor)
    leave = services.leave_decide(request=leave, approve=True, actor=p.group_user)
    for actor in (p.host_user, p.group_user, viewer):
        with pytest.raises(PermissionDenied):
            services.leave_decide(request=leave, approve=True, actor=actor)
    assert LeaveStep.objects.filter(request=leave).count() == 2


def test_an_officer_of_another_subtree_is_no_organizer(county):
    p = placed(county)
    elsewhere = UserFactory()
    grant(elsewhere, "org_dept_admin", county.town)
    leave = ask(p, 1)
    LeaveRequest.objects.filter(pk=leave.pk).update(levels=[ORG])
    leave.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.leave_decide(request=leave, approve=True, actor=elsewhere)


def test_a_level_decided_meanwhile_is_not_decided_again(county):
    p = placed(county)
    leave = ask(p, 3)
    seen = LeaveRequest.objects.get(pk=leave.pk)
    services.leave_decide(request=leave, approve=True, actor=p.host_user)
    with pytest.raises(ValidationError, match="已经审批过了"):
        services.leave_decide(request=seen, approve=False, actor=p.host_user)


def test_illegal_moves_are_refused(county):
    p = placed(county)
    leave = services.leave_decide(request=ask(p, 1), approve=True, actor=p.host_user)
    assert leave.status == LeaveStatus.APPROVED
    with pytest.raises(ValidationError, match="不能审批"):
        services.leave_decide(request=leave, approve=False, actor=p.host_user)
    pending = ask(p, 1, after=20)
    with pytest.raises(ValidationError, match="不能销假"):
        services.leave_return(request=pending, returned_on=timezone.localdate(), actor=p.cadre_user)
    refused = services.leave_decide(request=pending, approve=False, actor=p.host_user)
    with pytest.raises(ValidationError, match="不能撤回"):
        services.leave_cancel(request=refused, actor=p.cadre_user)


# --- Withdrawal and 销假 --------------------------------------------------------------------------


def test_the_cadre_withdraws_a_pending_or_a_future_approved_request(
    county, django_capture_on_commit_callbacks
):
    p = placed(county)
    pending = ask(p, 1)
    with pytest.raises(PermissionDenied):
        services.leave_cancel(request=pending, actor=p.host_user)
    assert services.leave_cancel(request=pending, actor=p.cadre_user).status == "cancelled"
    approved = services.leave_decide(request=ask(p, 1), approve=True, actor=p.host_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_cancel(request=approved, actor=p.cadre_user)
    assert "撤回" in notified(p.host_user)[-1]
    assert events(p.secondment).count(EventAction.LEAVE_CANCELLED) == 2


def test_a_started_leave_cannot_be_withdrawn(county):
    p = placed(county)
    today = timezone.localdate()
    leave = ask(p, starts_on=today, ends_on=today + timedelta(days=10))
    LeaveRequest.objects.filter(pk=leave.pk).update(status=LeaveStatus.APPROVED)
    leave.refresh_from_db()
    with pytest.raises(ValidationError, match="不能撤回"):
        services.leave_cancel(request=leave, actor=p.cadre_user)


@pytest.fixture
def started(county):
    """An approved leave that began five days ago and ended yesterday."""
    p = placed(county)
    today = timezone.localdate()
    leave = ask(p, starts_on=today - timedelta(days=5), ends_on=today - timedelta(days=1))
    LeaveRequest.objects.filter(pk=leave.pk).update(status=LeaveStatus.APPROVED)
    leave.refresh_from_db()
    return p, leave


def test_return_is_recorded_and_told(started, django_capture_on_commit_callbacks):
    p, leave = started
    with pytest.raises(PermissionDenied):
        services.leave_return(request=leave, returned_on=leave.ends_on, actor=p.host_user)
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.leave_return(request=leave, returned_on=leave.ends_on, actor=p.cadre_user)
    assert (leave.status, leave.returned_on) == (LeaveStatus.RETURNED, leave.ends_on)
    assert "销假" in notified(p.host_user)[-1]
    assert events(p.secondment)[-1] == EventAction.LEAVE_RETURNED


def test_a_late_return_is_allowed_and_noted(started):
    p, leave = started
    today = timezone.localdate()
    leave = services.leave_return(request=leave, returned_on=today, actor=p.cadre_user)
    assert leave.returned_on == today
    event = SecondmentEvent.objects.filter(action=EventAction.LEAVE_RETURNED).get()
    assert "超期 1 天" in event.comment


@pytest.mark.parametrize(("offset", "message"), [(-6, "不能早于请假开始日期"), (1, "不能晚于今天")])
def test_a_return_before_the_start_or_in_the_future_is_refused(started, offset, message):
    p, leave = started
    with pytest.raises(ValidationError, match=message):
        services.leave_return(
            request=leave,
            returned_on=timezone.localdate() + timedelta(days=offset),
            actor=p.cadre_user,
        )
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.APPROVED
