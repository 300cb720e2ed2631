"""The same application sent twice at the same instant (a double tap on a phone), on
PostgreSQL with separate connections: one is saved, the other refused with the message."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from grassroots.cadres.enums import ProgramStatus
from grassroots.cadres.models import Application
from grassroots.cadres.services import applications as services
from grassroots.cadres.tests import builders
from grassroots.core.testing import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_a_double_submission_saves_once(county):
    now = timezone.now()
    program = builders.program(
        county,
        status=ProgramStatus.RECRUITING,
        call_opens_at=now - timedelta(days=1),
        call_closes_at=now + timedelta(days=5),
    )
    person = builders.person_with_user(county.branch1)

    def submit():
        return services.application_submit(
            program=program, person=person, statement="愿意", actor=person.user
        )

    results = at_once(submit, submit)
    saved = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert "重复报名" in " ".join(refused[0].messages)
    assert Application.objects.filter(person=person).count() == 1
