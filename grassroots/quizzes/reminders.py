"""The reminder job of the quizzes app: a quiz closing by the end of the next working day,
to each expected person who has not submitted yet (once per quiz and person)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import calendar
from grassroots.notifications import reminders
from grassroots.notifications.services import remind_once

from .enums import QuizStatus
from .models import Quiz, QuizResult
from .selectors.quizzes import expected_people

KIND = "quizzes.closing_soon"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@reminders.register(KIND)
def closing_soon(today: date) -> int:
    from grassroots.accounts.models import User

    # Nothing runs on a non-working day, so look ahead to the end of the next working day:
    # on the Friday before a long weekend this covers the weekend and the Monday too.
    horizon = calendar.next_working_day(today + timedelta(days=1))
    until = _start_of(horizon + timedelta(days=1))
    since = timezone.now() if today == timezone.localdate() else _start_of(today)
    quizzes = Quiz.objects.filter(
        status=QuizStatus.PUBLISHED, closes_at__gt=since, closes_at__lt=until, opens_at__lt=until
    ).select_related("audience_org")
    sent = 0
    for quiz in quizzes:
        pending = expected_people(quiz).filter(
            ~Exists(QuizResult.objects.filter(quiz=quiz, person=OuterRef("pk")))
        )
        users = User.objects.filter(is_active=True, person__in=pending).only(
            "id", "person_id", "is_active"
        )
        when = timezone.localtime(quiz.closes_at).strftime("%Y-%m-%d %H:%M")
        for user in users.iterator(chunk_size=500):
            if remind_once(
                key=f"{KIND}:{quiz.pk}:{user.person_id}",
                recipients=[user],
                kind=KIND,
                title=_("测试即将截止：%(title)s") % {"title": quiz.title},
                body=_("截止时间 %(when)s，您还没有交卷。") % {"when": when},
                url=reverse("quizzes:quiz", args=[quiz.pk]),
            ):
                sent += 1
    return sent
