"""Two officers answering the same objection at the same instant, on PostgreSQL with separate
connections: one answer is kept, the other is refused, and the cadre is withdrawn once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grassroots.cadres.enums import EventAction, ProgramStatus, SecondmentStatus
from grassroots.cadres.models import Objection, SecondmentEvent
from grassroots.cadres.services import publicity as services
from grassroots.cadres.tests import builders
from grassroots.core.testing import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_answers_to_one_objection_count_once(county):
    first, second = builders.officer(county), builders.officer(county)
    program = builders.program(county, status=ProgramStatus.SELECTING)
    placed = builders.secondment(county, status=SecondmentStatus.MATCHED, program_obj=program)
    services.program_approve(program=program, actor=first)
    objection = services.objection_submit(program=program, content="不符合条件")

    def answer(officer):
        return lambda: services.objection_answer(
            objection=objection,
            actor=officer,
            answer="经核实属实",
            upheld=True,
            secondment=placed.secondment,
        )

    results = at_once(answer(first), answer(second))
    assert sum(isinstance(r, Objection) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    placed.secondment.refresh_from_db()
    assert placed.secondment.status == SecondmentStatus.WITHDRAWN
    withdrawn = SecondmentEvent.objects.filter(
        secondment=placed.secondment, action=EventAction.WITHDRAWN
    )
    assert withdrawn.count() == 1
