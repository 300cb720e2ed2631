"""The county comparison is cached between writes, and never shows less than the last credit,
target change, or move of a person."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.models import HoursCredit
from grassroots.study.selectors import hours as hours_selectors
from grassroots.study.services import hours as hours_services

# Outside a test transaction: figures read inside a transaction are never cached.
pytestmark = pytest.mark.django_db(transaction=True)


def figures(county):
    result = hours_selectors.compare(county.root, timezone.localdate().year)
    return {row.name: (row.people, row.hours) for row in result["rows"]}


def queries(county) -> int:
    with CaptureQueriesContext(connection) as captured:
        hours_selectors.compare(county.root, timezone.localdate().year)
    return len(captured)


def test_a_credit_shows_at_once_and_the_aggregate_is_cached_between_writes(county):
    person = PersonFactory(primary_org=county.branch1)
    year = timezone.localdate().year
    justice = county.justice.display_name
    cold = queries(county)
    assert queries(county) < cold  # the aggregates come from the cache
    assert figures(county)[justice] == (1, Decimal("0"))

    hours_services.credit(
        person_id=person.pk,
        year=year,
        kind="branch",
        hours=Decimal("2"),
        source=HoursCredit.Source.SELF_STUDY,
        source_id=1,
    )
    assert figures(county)[justice] == (1, Decimal("2"))
    hours_services.uncredit(source=HoursCredit.Source.SELF_STUDY, source_id=1)
    assert figures(county)[justice] == (1, Decimal("0"))


def test_a_person_leaving_or_moving_shows_at_once(county):
    person = PersonFactory(primary_org=county.branch1)
    year = timezone.localdate().year
    hours_services.credit(
        person_id=person.pk,
        year=year,
        kind="branch",
        hours=Decimal("3"),
        source=HoursCredit.Source.SELF_STUDY,
        source_id=7,
    )
    assert figures(county)[county.justice.display_name][1] == Decimal("3")
    person.primary_org = county.community
    person.save()
    after = figures(county)
    assert after[county.justice.display_name] == (0, Decimal("0"))
    assert after[county.town.display_name] == (1, Decimal("3"))
    person.status = PersonStatus.LEFT
    person.save()
    assert figures(county)[county.town.display_name] == (0, Decimal("0"))
