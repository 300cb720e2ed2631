"""The reminder of reflections waiting for review more than five working days: counted on the
working-day calendar, sent to the nearest reviewers, once, and never on a holiday."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from grassroots.notifications import reminders
from grassroots.notifications.models import Notification
from grassroots.study.reflection_reminders import JOB_KEY, remind_waiting_reflections
from grassroots.study.selectors.reflections import overdue_cutoff

from .library_factories import ReflectionFactory, member

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def branch(county, make_user):
    return {
        "author": member(make_user, county.branch1),
        "secretary": member(make_user, county.branch1, role="branch_secretary"),
        "committee": make_user("committee_admin", county.justice),
        "other_secretary": member(make_user, county.branch2, role="branch_secretary"),
    }


@pytest.fixture(autouse=True)
def only_this_job(monkeypatch):
    """run_due with this job alone: other apps' jobs have their own tests."""
    monkeypatch.setattr(reminders, "_jobs", {JOB_KEY: reminders._jobs[JOB_KEY]})


def reminded(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="study.reflection_waiting").values_list(
            "title", flat=True
        )
    )


def test_the_job_is_registered():
    assert JOB_KEY in {job.key for job in reminders.jobs()}


def test_after_five_working_days_the_nearest_reviewer_is_reminded_once(branch):
    # Monday 1 June 2026: Monday to Friday make five working days, the next Monday six.
    reflection = ReflectionFactory(
        person=branch["author"].person, title="六月心得", submitted_at=at(date(2026, 6, 1))
    )
    assert reminders.run_due(date(2026, 6, 5))[JOB_KEY] == 0
    assert reminders.run_due(date(2026, 6, 8))[JOB_KEY] == 1
    assert reminded(branch["secretary"]) == ["有心得体会等待审阅：六月心得"]
    note = Notification.objects.get(recipient=branch["secretary"])
    assert note.url.endswith(f"/reflections/{reflection.pk}/")
    # Not the committee above (the branch has its own reviewer), not another branch, not the
    # author; and not a second time.
    for name in ("committee", "other_secretary", "author"):
        assert reminded(branch[name]) == []
    assert reminders.run_due(date(2026, 6, 9))[JOB_KEY] == 0
    assert len(reminded(branch["secretary"])) == 1


def test_nothing_runs_on_a_holiday(branch):
    ReflectionFactory(person=branch["author"].person, submitted_at=at(date(2026, 9, 1)))
    assert reminders.run_due(date(2026, 10, 1)) == {}
    assert not Notification.objects.exists()


def test_holidays_do_not_count_and_a_make_up_workday_does(branch):
    # Mon 28 Sep 2026: 28, 29, 30 Sep, then the National Day holiday, then 8 and 9 Oct make
    # five working days; Saturday 10 Oct is a make-up workday (调休), the sixth.
    ReflectionFactory(person=branch["author"].person, submitted_at=at(date(2026, 9, 28)))
    assert remind_waiting_reflections(date(2026, 10, 9)) == 0
    assert overdue_cutoff(date(2026, 10, 10)) == date(2026, 9, 28)
    assert reminders.run_due(date(2026, 10, 10))[JOB_KEY] == 1


def test_without_a_branch_reviewer_the_organization_above_is_reminded(county, make_user):
    author = member(make_user, county.branch2)
    committee = make_user("committee_admin", county.justice)
    county_officer = make_user("org_dept_admin", county.root)
    ReflectionFactory(person=author.person, submitted_at=at(date(2026, 6, 1)))
    assert remind_waiting_reflections(date(2026, 6, 8)) == 1
    assert len(reminded(committee)) == 1 and reminded(county_officer) == []


def test_a_secretarys_own_reflection_goes_to_the_level_above(branch):
    ReflectionFactory(person=branch["secretary"].person, submitted_at=at(date(2026, 6, 1)))
    remind_waiting_reflections(date(2026, 6, 8))
    assert reminded(branch["secretary"]) == [] and len(reminded(branch["committee"])) == 1


def test_reviewed_or_recent_reflections_are_not_reminded(branch):
    person = branch["author"].person
    ReflectionFactory(person=person, status="accepted", submitted_at=at(date(2026, 6, 1)))
    ReflectionFactory(person=person, status="returned", submitted_at=at(date(2026, 6, 1)))
    ReflectionFactory(person=person, submitted_at=at(date(2026, 6, 2)))
    assert remind_waiting_reflections(date(2026, 6, 8)) == 0


def test_a_resubmitted_reflection_is_a_new_wait(branch):
    reflection = ReflectionFactory(
        person=branch["author"].person, submitted_at=at(date(2026, 6, 1))
    )
    assert remind_waiting_reflections(date(2026, 6, 8)) == 1
    reflection.submitted_at = at(date(2026, 6, 10))
    reflection.save(update_fields=["submitted_at"])
    assert remind_waiting_reflections(date(2026, 6, 17)) == 1
    assert len(reminded(branch["secretary"])) == 2


def test_many_waiting_reflections_cost_the_same_lookups(
    county, make_user, branch, django_assert_max_num_queries
):
    for _ in range(3):
        ReflectionFactory(person=branch["author"].person, submitted_at=at(date(2026, 6, 1)))
    remind_waiting_reflections(date(2026, 6, 8))
    Notification.objects.all().delete()
    for _ in range(30):
        ReflectionFactory(person=branch["author"].person, submitted_at=at(date(2026, 6, 1)))
    # Finding the reflections and their reviewers is a few queries; each reminder then costs
    # its own insert of the key and the message (with their savepoints).
    with django_assert_max_num_queries(10 + 30 * 7):
        assert remind_waiting_reflections(date(2026, 6, 8)) == 30
