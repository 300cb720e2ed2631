"""Leave at the same instant: an approver's double click counts once (the request's row lock
and the one-step-per-level constraint), and two overlapping requests sent together make one
(the secondment's row lock)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grassroots.cadres.enums import LeaveStatus
from grassroots.cadres.models import LeaveRequest, LeaveStep
from grassroots.cadres.services import leave as services
from grassroots.cadres.tests.test_leave_support import GROUP, HOST, ask, placed, span
from grassroots.core.testing import together

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_the_host_leader_approving_twice_at_once_makes_one_step(county):
    p = placed(county)
    leave = ask(p, 3)
    # A transactional test may start without the default rules (flushed): set the levels.
    LeaveRequest.objects.filter(pk=leave.pk).update(levels=[HOST, GROUP])
    results = together(
        2,
        lambda i: services.leave_decide(
            request=LeaveRequest.objects.get(pk=leave.pk),
            approve=True,
            comment=f"同意{i}",
            actor=p.host_user,
        ),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert LeaveStep.objects.filter(request=leave).count() == 1
    leave.refresh_from_db()
    assert (leave.status, leave.current_level) == (LeaveStatus.PENDING, 1)


@pytest.mark.django_db(transaction=True)
def test_the_last_approver_twice_at_once_approves_once(county):
    p = placed(county)
    leave = ask(p, 1)
    results = together(
        2,
        lambda i: services.leave_decide(
            request=LeaveRequest.objects.get(pk=leave.pk), approve=bool(i), actor=p.host_user
        ),
    )
    assert len([r for r in results if isinstance(r, ValidationError)]) == 1, results
    assert LeaveStep.objects.filter(request=leave).count() == 1
    leave.refresh_from_db()
    assert leave.status in (LeaveStatus.APPROVED, LeaveStatus.REJECTED)


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_requests_at_once_make_one(county):
    p = placed(county)
    start, end = span(3)
    results = together(
        2,
        lambda i: services.leave_request(
            secondment=p.secondment,
            kind="personal",
            starts_on=start,
            ends_on=end,
            reason=f"请假{i}",
            actor=p.cadre_user,
        ),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "日期重叠" in " ".join(refused[0].messages)
    assert LeaveRequest.objects.filter(secondment=p.secondment).count() == 1
