"""Two officers placing the same cadre at the same instant, on PostgreSQL with separate
connections: the cadre is placed once, with one event and one report schedule."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from grassroots.cadres.enums import EventAction, SecondmentStatus
from grassroots.cadres.models import Report, Secondment, SecondmentEvent
from grassroots.cadres.services import placement as services
from grassroots.cadres.tests import builders
from grassroots.core.testing import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_placements_place_once(county):
    first, second = builders.officer(county), builders.officer(county)
    placed = builders.secondment(county, status=SecondmentStatus.CONFIRMED)

    def place(officer):
        return lambda: services.secondment_place(
            secondment=placed.secondment, placed_on=timezone.localdate(), actor=officer
        )

    results = at_once(place(first), place(second))
    assert sum(isinstance(r, Secondment) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    events = SecondmentEvent.objects.filter(secondment=placed.secondment, action=EventAction.PLACED)
    assert events.count() == 1
    kinds = Report.objects.filter(secondment=placed.secondment).values_list("kind", "period_start")
    assert kinds and len(set(kinds)) == len(kinds)
