"""Codes issued at the same instant on a real database with several connections: the campaign
row is locked, so each issue numbers on from the other and no serial is given twice."""

import pytest
from django.db import connection

from grassroots.core.testing import together
from grassroots.evaluations.models import Token
from grassroots.evaluations.services import campaigns as services
from grassroots.evaluations.tests.test_campaigns_support import draft

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_issues_give_distinct_serials(county, make_user):
    manager = make_user("org_dept_admin", county.root)
    campaign = draft(county.justice, manager, groups=[("群众", 100)])
    group = campaign.groups.get()
    results = together(
        4, lambda i: services.tokens_issue(campaign=campaign, group=group, count=5, actor=manager)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    serials = list(Token.objects.filter(campaign=campaign).values_list("serial", flat=True))
    assert sorted(serials) == list(range(1, 21))
