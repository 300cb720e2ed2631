"""Two runs of the report reminders at the same instant send each reminder once."""

from datetime import date

import pytest
from django.db import connection

from grassroots.cadres import reminders
from grassroots.cadres.enums import ReportKind
from grassroots.cadres.models import Report
from grassroots.cadres.tests import builders
from grassroots.core.testing import together
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_remind_once(county):
    placed = builders.secondment(county)
    for kind, due in (
        (ReportKind.MONTHLY, date(2026, 10, 8)),
        (ReportKind.STAGE, date(2026, 9, 1)),
    ):
        Report.objects.create(
            secondment=placed.secondment,
            kind=kind,
            period_start=date(2026, 9, 1),
            period_end=date(2026, 9, 30),
            due_on=due,
        )
    due = together(2, lambda i: reminders.remind_reports_due(date(2026, 9, 28)))
    late = together(2, lambda i: reminders.remind_reports_late(date(2026, 9, 28)))
    assert sorted(due) == [0, 1], due
    assert sorted(late) == [0, 1], late
    assert Notification.objects.filter(kind="cadres.report_due").count() == 1
    assert Notification.objects.filter(kind="cadres.report_late").count() == 2  # cadre, leader
