"""The daily reminder of reflections (心得体会) waiting for review more than five working days.

Who is told: the reviewers nearest to the author, that is the holders of study.review_reflection
granted on the author's own organization or, when nobody there holds it, on the closest
organization above that has someone (never the author). A branch's reflections thus reach the
branch secretary, not every county officer whose scope also covers them. Each reviewer is told
once per submission: a returned reflection submitted again starts a new wait.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grassroots.accounts.selectors import holders_by_path, nearest_holders
from grassroots.notifications import reminders
from grassroots.notifications.services import remind_once
from grassroots.orgs.selectors import path_chain

from .selectors.reflections import REVIEW_CODENAME, REVIEW_WORKING_DAYS, overdue_reflections

JOB_KEY = "study.reflections_waiting"


@reminders.register(JOB_KEY)
def remind_waiting_reflections(today: date) -> int:
    waiting = list(overdue_reflections(today))
    if not waiting:
        return 0
    by_path = holders_by_path(
        REVIEW_CODENAME, {p for r in waiting for p in path_chain(r.person.primary_org.path)}
    )
    sent = 0
    for reflection in waiting:
        submitted = timezone.localtime(reflection.submitted_at)
        title = _("有心得体会等待审阅：%(t)s") % {"t": reflection.title}
        body = _("%(name)s（%(org)s）于 %(date)s 提交的心得体会已等待审阅超过 %(n)d 个工作日。") % {
            "name": reflection.person.name,
            "org": reflection.person.primary_org.name,
            "date": formats.date_format(submitted.date(), "DATE_FORMAT"),
            "n": REVIEW_WORKING_DAYS,
        }
        url = reverse("study:reflection_detail", args=[reflection.pk])
        reviewers = nearest_holders(
            by_path, reflection.person.primary_org.path, exclude_person_id=reflection.person_id
        )
        for user in reviewers:
            key = f"{JOB_KEY}:{reflection.pk}:{int(submitted.timestamp())}:{user.pk}"
            if remind_once(
                key=key,
                recipients=[user],
                kind="study.reflection_waiting",
                title=title,
                body=body,
                url=url,
            ):
                sent += 1
    return sent
