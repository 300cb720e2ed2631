"""Daily reminders of secondment reports (run by notifications' daily job on working days only).

Before: a report due within the next 3 working days and not yet filed reminds its cadre once
(a Friday's run also covers a deadline after the weekend; a run missed on holidays catches up).
Late: a report past its due date and still missing tells the cadre and the group leader once.
Each is sent once however often (or concurrently) the job runs: the report's flag (`reminded`,
`late_notified`) is set by a conditional UPDATE, and only the run whose UPDATE changed the row
sends. Only secondments on the post (PLACED) are reminded.

apps.py must import this module in ready() so that the jobs are registered.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import calendar
from grassroots.notifications import reminders
from grassroots.notifications.services import notify

from .enums import SecondmentStatus
from .models import Report
from .services.reports import period_label, report_url

DUE_JOB_KEY = "cadres.reports_due"
LATE_JOB_KEY = "cadres.reports_late"
REMIND_WORKING_DAYS = 3


def _pending(**filters):
    return (
        Report.objects.filter(
            submitted_at__isnull=True,
            secondment__status=SecondmentStatus.PLACED,
            **filters,
        )
        .select_related(
            "secondment__person__user",
            "secondment__group__leader__user",
        )
        .order_by("due_on", "pk")
    )


def _user(person):
    return getattr(person, "user", None) if person is not None else None


def _claim(report: Report, flag: str) -> bool:
    """Set the flag on the row if it is still unset; True for the one run that set it."""
    return bool(
        Report.objects.filter(pk=report.pk, submitted_at__isnull=True, **{flag: False}).update(
            **{flag: True}
        )
    )


@reminders.register(DUE_JOB_KEY)
def remind_reports_due(today: date) -> int:
    horizon = calendar.add_working_days(today, REMIND_WORKING_DAYS)
    sent = 0
    for report in _pending(due_on__gte=today, due_on__lte=horizon, reminded=False).iterator(
        chunk_size=500
    ):
        cadre = _user(report.secondment.person)
        with transaction.atomic():
            if not _claim(report, "reminded"):
                continue
            notify(
                recipients=[cadre],
                kind="cadres.report_due",
                title=_("请在 %(due)s 前提交%(kind)s（%(period)s）")
                % {
                    "due": report.due_on.isoformat(),
                    "kind": report.get_kind_display(),
                    "period": period_label(report),
                },
                url=report_url(report),
            )
        sent += 1
    return sent


@reminders.register(LATE_JOB_KEY)
def remind_reports_late(today: date) -> int:
    sent = 0
    for report in _pending(due_on__lt=today, late_notified=False).iterator(chunk_size=500):
        secondment = report.secondment
        cadre = _user(secondment.person)
        group_leader = _user(secondment.group.leader) if secondment.group_id else None
        values = {
            "name": secondment.person.name,
            "kind": report.get_kind_display(),
            "period": period_label(report),
            "due": report.due_on.isoformat(),
        }
        with transaction.atomic():
            if not _claim(report, "late_notified"):
                continue
            notify(
                recipients=[cadre],
                kind="cadres.report_late",
                title=_("您的%(kind)s（%(period)s）已逾期（截止 %(due)s），请尽快提交") % values,
                url=report_url(report),
            )
            notify(
                recipients=[group_leader],
                kind="cadres.report_late",
                title=_("%(name)s 的%(kind)s（%(period)s）已逾期未交（截止 %(due)s）") % values,
                url=report_url(report),
            )
        sent += 1
    return sent
