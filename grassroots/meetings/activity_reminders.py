"""The day-before reminder of activities (run by notifications' daily job on working days only).

Open activities starting from now to the end of the next working day are due (a Friday's run
covers the weekend and the Monday). Each person with a confirmed place is reminded once per
activity and start time (an activity moved to another day is reminded of again); people on the
waiting list are not, since they have no place yet.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import calendar
from grassroots.notifications import reminders
from grassroots.notifications.services import remind_once

from .enums import ActivityStatus, SignupStatus
from .models import Activity, ActivitySignup

JOB_KEY = "meetings.activities_soon"


@reminders.register(JOB_KEY)
def remind_activities_soon(today: date) -> int:
    from grassroots.accounts.models import User

    start, end = calendar.before_next_working_day(today)
    activities = Activity.objects.filter(
        status=ActivityStatus.OPEN, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at", "pk")
    sent = 0
    for activity in activities:
        when = timezone.localtime(activity.starts_at).strftime("%m-%d %H:%M")
        title = _("活动提醒：%(when)s %(title)s") % {"when": when, "title": activity.title}
        body = _("您报名的活动将于 %(when)s 在 %(place)s 开始，请按时参加并扫码签到。") % {
            "when": when,
            "place": activity.place,
        }
        url = reverse("meetings:activity_detail", args=[activity.pk])
        person_ids = ActivitySignup.objects.filter(
            activity=activity, status=SignupStatus.CONFIRMED
        ).values_list("person_id", flat=True)
        users = User.objects.filter(is_active=True, person_id__in=person_ids).order_by("pk")
        stamp = int(activity.starts_at.timestamp())
        for user in users.iterator(chunk_size=1000):
            if remind_once(
                key=f"{JOB_KEY}:{activity.pk}:{stamp}:{user.person_id}",
                recipients=[user],
                kind="meetings.activity_soon",
                title=title,
                body=body,
                url=url,
            ):
                sent += 1
    return sent
