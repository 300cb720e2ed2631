"""The reminder of required meetings still missing 10 working days before a period ends: on
the day, once, to the branch's secretary, listing what is missing, and not to branches that
held their meetings."""

from datetime import date

import pytest

from grassroots.meetings.compliance_reminders import (
    JOB_KEY,
    ends_due,
    remind_compliance_due,
    working_days_left,
)
from grassroots.meetings.enums import MeetingStatus
from grassroots.notifications import reminders
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import add_org

from .test_compliance import local, meeting

pytestmark = pytest.mark.django_db
# 30 June 2026 ends a month and a quarter. The Dragon Boat Festival (Friday 19 June) is a
# holiday, so Monday 15 June is the day with 10 working days left.
TENTH = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def only_this_job(monkeypatch):
    """run_due with this job alone: other apps' jobs have their own tests."""
    monkeypatch.setattr(reminders, "_jobs", {JOB_KEY: reminders._jobs[JOB_KEY]})


@pytest.fixture
def secretaries(county, make_user):
    return {
        "branch1": make_user("branch_secretary", county.branch1),
        "branch2": make_user("branch_secretary", county.branch2),
        "committee": make_user("committee_admin", county.justice),
    }


def notes(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=JOB_KEY))


def hold_june_and_q2(branch):
    meeting(branch, "committee_meeting", local(2026, 6, 2, 9))
    meeting(branch, "theme_day", local(2026, 6, 1, 9))
    meeting(branch, "general_meeting", local(2026, 4, 20, 9))
    meeting(branch, "party_lecture", local(2026, 5, 20, 9))


def test_the_job_is_registered():
    assert JOB_KEY in {job.key for job in reminders.jobs()}


def test_the_tenth_working_day_before_the_end():
    assert working_days_left(TENTH, date(2026, 7, 1)) == 10
    assert ends_due(date(2026, 6, 12)) == set()  # 11 left
    assert ends_due(TENTH) == {date(2026, 7, 1)}  # the month's and the quarter's end
    assert ends_due(date(2026, 12, 17)) == {date(2027, 1, 1)}  # month, quarter and year


def test_sent_on_the_tenth_working_day_once_listing_what_is_missing(county, secretaries):
    hold_june_and_q2(county.branch1)
    meeting(county.branch2, "general_meeting", local(2026, 5, 8, 9))
    meeting(county.branch2, "committee_meeting", local(2026, 6, 3, 9), MeetingStatus.CANCELLED)
    assert reminders.run_due(date(2026, 6, 12))[JOB_KEY] == 0
    assert reminders.run_due(TENTH)[JOB_KEY] == 1  # branch 2 only (the community has nobody)
    assert notes(secretaries["branch1"]) == []  # held everything due
    (note,) = notes(secretaries["branch2"])
    assert note.title == "组织生活提醒：县司法局第二党支部尚有会议未召开"
    assert "距 2026年6月30日 还有 10 个工作日" in note.body
    assert "支部委员会（每月至少 1 次）：2026年6月已召开 0 次" in note.body
    assert "主题党日（每月至少 1 次）" in note.body
    assert "党课（每季度至少 1 次）：2026年第2季度已召开 0 次" in note.body
    assert "支部党员大会" not in note.body  # held in May
    assert "组织生活会" not in note.body  # the year ends in December
    assert note.url.endswith(f"/meetings/compliance/?org={county.branch2.pk}")
    # The committee above hears nothing: the branch has its own secretary.
    assert notes(secretaries["committee"]) == []
    # Once: the same day again and the next days send nothing more.
    assert reminders.run_due(TENTH)[JOB_KEY] == 0
    assert reminders.run_due(date(2026, 6, 16))[JOB_KEY] == 0
    assert len(notes(secretaries["branch2"])) == 1


def test_a_missed_run_catches_up_before_the_end(county, secretaries):
    assert remind_compliance_due(date(2026, 6, 16)) == 2
    assert len(notes(secretaries["branch1"])) == 1
    assert reminders.run_due(date(2026, 6, 17))[JOB_KEY] == 0


def test_a_branch_without_a_secretary_reaches_the_nearest_one_above(county, make_user):
    add_org(county.branch1, "第一党小组", "party_group")
    secretary = make_user("branch_secretary", county.branch1)
    hold_june_and_q2(county.branch1)
    remind_compliance_due(TENTH)
    (note,) = notes(secretary)
    assert note.title == "组织生活提醒：第一党小组尚有会议未召开"
    assert "党小组会（每月至少 1 次）" in note.body


def test_the_year_end_lists_the_yearly_rules_too(county, secretaries):
    meeting(county.branch1, "life_meeting", local(2026, 3, 2, 9))
    assert reminders.run_due(date(2026, 12, 16))[JOB_KEY] == 0  # 11 working days left
    reminders.run_due(date(2026, 12, 17))
    (note,) = notes(secretaries["branch1"])
    assert "民主评议党员（每年至少 1 次）：2026年已召开 0 次" in note.body
    assert "组织生活会" not in note.body
    assert "支部委员会" in note.body and "党课" in note.body


def test_nothing_runs_on_a_holiday(county, secretaries):
    assert reminders.run_due(date(2026, 6, 19)) == {}  # Dragon Boat Festival
