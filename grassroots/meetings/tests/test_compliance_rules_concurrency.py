"""Two officers adding the same rule at the same instant, on PostgreSQL with separate
connections: one rule is saved, the other refused with a message (the unique pair decides)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grassroots.core.testing import at_once
from grassroots.meetings.kinds import ensure_defaults
from grassroots.meetings.models import ComplianceRule, MeetingKind
from grassroots.meetings.services.rules import rule_create
from grassroots.orgs.models import OrganizationKind

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_the_same_rule_added_twice_at_once_is_saved_once(county, make_user):
    ensure_defaults()  # a transactional test starts from an empty database
    officer = make_user("org_dept_admin", county.root)
    org_kind = OrganizationKind.objects.get(code="general_branch")
    meeting_kind = MeetingKind.objects.get(code="party_lecture")

    def work():
        return rule_create(
            org_kind=org_kind, meeting_kind=meeting_kind, period="year", min_count=1, actor=officer
        )

    results = at_once(*[work] * 3)
    saved = [r for r in results if isinstance(r, ComplianceRule)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 2, results
    assert ComplianceRule.objects.filter(org_kind=org_kind, meeting_kind=meeting_kind).count() == 1
