"""Two managers saving overlapping pairings of the same unit and partner at the same instant,
on PostgreSQL with separate connections: one pairing is saved, the other is refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grassroots.core.testing import at_once
from grassroots.meetings.models import Pairing
from grassroots.meetings.services import pairings as services
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_overlapping_pairings_save_once(county, make_user):
    officer = make_user("committee_admin", county.dept)
    unit_contact = PersonFactory(primary_org=county.dept)
    partner_contact = PersonFactory(primary_org=county.community)

    def work():
        return services.pairing_create(
            actor=officer,
            kind="cobuild",
            unit=county.dept,
            partner=county.community,
            unit_contact=unit_contact,
            partner_contact=partner_contact,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )

    results = at_once(*[work] * 3)
    saved = [r for r in results if isinstance(r, Pairing)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 2, results
    assert Pairing.objects.count() == 1
