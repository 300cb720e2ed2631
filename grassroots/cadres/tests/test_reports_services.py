"""Reports: the cadre files (late ones too, marked late) and revises until the host leader
comments; only the host leader comments; the final summary once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.cadres.enums import EventAction, ReportKind, SecondmentStatus
from grassroots.cadres.models import Report, Secondment, SecondmentEvent
from grassroots.cadres.selectors import work as selectors
from grassroots.cadres.services import reports
from grassroots.cadres.tests import builders
from grassroots.notifications.models import Notification


@pytest.fixture
def placed(county):
    return builders.secondment(county)


def report_of(secondment, *, started_days_ago=20, due_in_days=5, kind=ReportKind.MONTHLY):
    today = timezone.localdate()
    start = today - timedelta(days=started_days_ago)
    return Report.objects.create(
        secondment=secondment,
        kind=kind,
        period_start=start,
        period_end=start + timedelta(days=27),
        due_on=today + timedelta(days=due_in_days),
    )


def test_cadre_submits_and_host_leader_is_told(placed, django_capture_on_commit_callbacks):
    report = report_of(placed.secondment)
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_submit(report=report, content="本月工作", actor=placed.cadre_user)
    report.refresh_from_db()
    assert report.content == "本月工作"
    assert report.submitted_at is not None
    assert not selectors.is_late(report)
    assert selectors.report_state(report, timezone.localdate()) == selectors.SUBMITTED
    assert Notification.objects.get(kind="cadres.report_submitted").recipient == placed.host_user
    assert SecondmentEvent.objects.filter(action=EventAction.REPORT_SUBMITTED).count() == 1


def test_only_the_cadre_submits(county, placed):
    report = report_of(placed.secondment)
    for user in (placed.host_user, placed.group_user, builders.officer(county)):
        with pytest.raises(PermissionDenied):
            reports.report_submit(report=report, content="代写", actor=user)
    report.refresh_from_db()
    assert report.submitted_at is None


def test_empty_content_and_future_period_are_refused(placed):
    with pytest.raises(ValidationError) as err:
        reports.report_submit(
            report=report_of(placed.secondment), content="  ", actor=placed.cadre_user
        )
    assert "content" in err.value.message_dict
    future = report_of(placed.secondment, started_days_ago=-3, due_in_days=40)
    with pytest.raises(ValidationError):
        reports.report_submit(report=future, content="提前写", actor=placed.cadre_user)


def test_a_late_submission_is_accepted_and_marked_late(placed):
    report = report_of(placed.secondment, started_days_ago=60, due_in_days=-3)
    assert selectors.report_state(report, timezone.localdate()) == selectors.OVERDUE
    reports.report_submit(report=report, content="补交", actor=placed.cadre_user)
    report.refresh_from_db()
    assert selectors.is_late(report)
    assert selectors.report_state(report, timezone.localdate()) == selectors.SUBMITTED


def test_editable_until_commented_then_closed(placed, django_capture_on_commit_callbacks):
    report = report_of(placed.secondment)
    reports.report_submit(report=report, content="初稿", actor=placed.cadre_user)
    first_at = Report.objects.get(pk=report.pk).submitted_at
    reports.report_submit(report=report, content="修改稿", actor=placed.cadre_user)
    report.refresh_from_db()
    assert report.content == "修改稿"
    assert report.submitted_at == first_at  # the first filing counts for lateness
    assert SecondmentEvent.objects.filter(action=EventAction.REPORT_SUBMITTED).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_comment(report=report, comment="工作扎实", actor=placed.host_user)
    report.refresh_from_db()
    assert report.host_comment == "工作扎实"
    assert report.commented_by == placed.host_user
    assert selectors.report_state(report, timezone.localdate()) == selectors.COMMENTED
    assert Notification.objects.get(kind="cadres.report_commented").recipient == (placed.cadre_user)
    assert SecondmentEvent.objects.filter(action=EventAction.REPORT_COMMENTED).count() == 1
    with pytest.raises(ValidationError):
        reports.report_submit(report=report, content="再改", actor=placed.cadre_user)
    with pytest.raises(ValidationError):
        reports.report_comment(report=report, comment="再评", actor=placed.host_user)


def test_only_the_host_leader_comments(county, placed):
    report = report_of(placed.secondment)
    with pytest.raises(ValidationError):  # nothing filed yet
        reports.report_comment(report=report, comment="意见", actor=placed.host_user)
    reports.report_submit(report=report, content="内容", actor=placed.cadre_user)
    colleague = builders.person_with_user(county.town).user
    other = builders.secondment(county, title="副镇长")
    for user in (
        placed.cadre_user,
        placed.group_user,
        colleague,
        other.host_user,
        builders.officer(county),
    ):
        with pytest.raises(PermissionDenied):
            reports.report_comment(report=report, comment="意见", actor=user)
    with pytest.raises(ValidationError) as err:
        reports.report_comment(report=report, comment=" ", actor=placed.host_user)
    assert "comment" in err.value.message_dict
    assert Report.objects.get(pk=report.pk).commented_at is None


def test_final_summary_once(county, placed, django_capture_on_commit_callbacks):
    for user in (placed.host_user, placed.group_user, builders.officer(county)):
        with pytest.raises(PermissionDenied):
            reports.summary_submit(secondment=placed.secondment, text="总结", actor=user)
    with django_capture_on_commit_callbacks(execute=True):
        reports.summary_submit(
            secondment=placed.secondment, text="挂职一年的总结", actor=placed.cadre_user
        )
    obj = Secondment.objects.get(pk=placed.secondment.pk)
    assert obj.final_summary == "挂职一年的总结"
    assert obj.summary_submitted_at is not None
    assert obj.status == SecondmentStatus.PLACED  # not a change of status
    assert SecondmentEvent.objects.filter(action=EventAction.SUMMARY_SUBMITTED).count() == 1
    assert set(
        Notification.objects.filter(kind="cadres.summary_submitted").values_list(
            "recipient", flat=True
        )
    ) == {placed.host_user.pk, placed.group_user.pk}
    with pytest.raises(ValidationError):
        reports.summary_submit(secondment=placed.secondment, text="再交", actor=placed.cadre_user)
    assert Secondment.objects.get(pk=placed.secondment.pk).final_summary == "挂职一年的总结"


def test_final_summary_refused_before_placement(county):
    confirmed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    with pytest.raises(ValidationError):
        reports.summary_submit(
            secondment=confirmed.secondment, text="总结", actor=confirmed.cadre_user
        )


def test_reports_follow_the_stage(county):
    confirmed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)
    with pytest.raises(ValidationError):
        reports.report_submit(
            report=report_of(confirmed.secondment), content="内容", actor=confirmed.cadre_user
        )
    placed = builders.secondment(county, title="副镇长")
    report = report_of(placed.secondment)
    reports.report_submit(report=report, content="内容", actor=placed.cadre_user)
    Secondment.objects.filter(pk=placed.secondment.pk).update(status=SecondmentStatus.ARCHIVED)
    with pytest.raises(ValidationError):
        reports.report_comment(report=report, comment="意见", actor=placed.host_user)
