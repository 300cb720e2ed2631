"""The reminder of quizzes closing by the end of the next working day, to the expected
people who have not submitted: working days only, once per quiz and person."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from grassroots.notifications import reminders
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.quizzes.models import QuizResult

from .factories import make_member, make_quiz

pytestmark = pytest.mark.django_db
KEY = "quizzes.closing_soon"


def at(*args):
    return timezone.make_aware(datetime(*args))


def test_reminders_follow_the_working_day_calendar(county):
    quiz = make_quiz(
        county.branch1, opens_at=at(2026, 9, 20, 8), closes_at=at(2026, 10, 9, 17), title="国庆测试"
    )
    pending = make_member(county.branch1)
    done = make_member(county.branch1)
    PersonFactory(primary_org=county.branch1)  # no account: nobody to tell
    make_member(county.branch2)  # not expected
    QuizResult.objects.create(
        quiz=quiz,
        person=done.person,
        score=10,
        best_score=10,
        last_score=10,
        time_used_seconds=60,
        attempts_submitted=1,
        passed=True,
        submitted_at=at(2026, 9, 21, 9),
        last_submitted_at=at(2026, 9, 21, 9),
    )
    assert reminders.run_due(date(2026, 10, 1)) == {}  # National Day: nothing runs
    assert reminders.run_due(date(2026, 9, 30))[KEY] == 0  # 10-09 is beyond the next working day
    assert reminders.run_due(date(2026, 10, 8))[KEY] == 1
    notes = Notification.objects.filter(kind=KEY)
    assert [n.recipient_id for n in notes] == [pending.pk]
    assert "国庆测试" in notes[0].title and "2026-10-09 17:00" in notes[0].body
    assert reminders.run_due(date(2026, 10, 8))[KEY] == 0
    assert reminders.run_due(date(2026, 10, 9))[KEY] == 0
    assert notes.count() == 1


def test_a_quiz_closing_in_a_holiday_is_reminded_before_it(county):
    make_quiz(county.branch1, opens_at=at(2026, 9, 20, 8), closes_at=at(2026, 10, 4, 12))
    member = make_member(county.branch1)
    assert reminders.run_due(date(2026, 9, 30))[KEY] == 1
    assert Notification.objects.get(kind=KEY).recipient == member


def test_closed_and_draft_quizzes_are_not_reminded(county):
    make_quiz(county.branch1, opens_at=at(2026, 9, 1, 8), closes_at=at(2026, 10, 7, 12))
    make_quiz(
        county.branch1, status="draft", opens_at=at(2026, 9, 1, 8), closes_at=at(2026, 10, 9, 12)
    )
    make_member(county.branch1)
    assert reminders.run_due(date(2026, 10, 8))[KEY] == 0
