"""Assignments at the same instant on PostgreSQL, with separate connections: two officers
filling a one-place post with two people, and the same person sent to two posts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grassroots.cadres.enums import ApplicationKind, ProgramStatus, SecondmentStatus
from grassroots.cadres.models import Application, Secondment
from grassroots.cadres.services import matching as services
from grassroots.cadres.tests import builders
from grassroots.core.testing import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


def applicant(county, program):
    someone = builders.person_with_user(county.branch1)
    return Application.objects.create(
        program=program, person=someone, kind=ApplicationKind.VOLUNTARY, statement="愿意"
    )


@pytest.mark.django_db(transaction=True)
def test_two_officers_fill_a_one_place_post_once(county):
    program = builders.program(county, status=ProgramStatus.SELECTING, starts_on=date(2026, 3, 1))
    post = builders.post(program, county.town, places=1)
    first, second = applicant(county, program), applicant(county, program)
    officers = [builders.officer(county), builders.officer(county)]

    def assign(application, officer):
        return lambda: services.secondment_assign(application=application, post=post, actor=officer)

    results = at_once(assign(first, officers[0]), assign(second, officers[1]))
    saved = [r for r in results if isinstance(r, Secondment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert "该岗位名额已满" in " ".join(refused[0].messages)
    assert post.secondments.exclude(status=SecondmentStatus.WITHDRAWN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_person_to_two_posts_once(county):
    program = builders.program(county, status=ProgramStatus.SELECTING, starts_on=date(2026, 3, 1))
    post1 = builders.post(program, county.town, title="镇长助理")
    post2 = builders.post(program, county.community, title="书记助理")
    app = applicant(county, program)
    officers = [builders.officer(county), builders.officer(county)]

    def assign(post, officer):
        return lambda: services.secondment_assign(application=app, post=post, actor=officer)

    results = at_once(assign(post1, officers[0]), assign(post2, officers[1]))
    saved = [r for r in results if isinstance(r, Secondment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert Secondment.objects.filter(person=app.person).count() == 1
