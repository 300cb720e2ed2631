"""Votes at the same instant on a real database with several connections: the same token sent
five times counts once; a rater's two simultaneous submissions count once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grassroots.core.testing import together
from grassroots.evaluations.models import Ballot, Receipt, Score, Token
from grassroots.evaluations.services.ballots import (
    ballot_cast,
    ballot_sheet_submit,
    token_ballot_cast,
)
from grassroots.evaluations.tests.builders import answers, build_campaign, sheet

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)


def refused(results) -> list:
    others = [r for r in results if isinstance(r, Exception) and not isinstance(r, ValidationError)]
    assert not others, others
    return [r for r in results if isinstance(r, ValidationError)]


@pytest.mark.django_db(transaction=True)
def test_the_same_token_five_times_at_once_counts_once(county):
    built = build_campaign(county.justice, subjects=3, tokens={"群众": 1})
    code = built.tokens["群众"][0].code
    results = together(
        5, lambda i: token_ballot_cast(code=code, answers=sheet(built, "好"), comments={})
    )
    assert len(refused(results)) == 4
    assert [r for r in results if r == 3] == [3]
    assert Ballot.objects.count() == 3
    assert Receipt.objects.count() == 3
    assert Score.objects.count() == 6
    assert Token.objects.get(code=code).used


@pytest.mark.parametrize("group", ["领导", "群众"])
@pytest.mark.django_db(transaction=True)
def test_a_raters_two_submissions_at_once_count_once(county, make_user, group):
    user = make_user()
    built = build_campaign(county.justice, raters={group: [user]})
    rater = built.raters[group][0]
    results = together(
        2,
        lambda i: ballot_cast(
            campaign=built.campaign,
            subject=built.subjects[0],
            answers=answers(built, "好"),
            rater=rater,
            actor=user,
        ),
    )
    assert len(refused(results)) == 1
    assert Ballot.objects.count() == 1
    assert Receipt.objects.count() == 1
    assert Score.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_anonymous_sheets_at_once_count_once(county, make_user):
    user = make_user()
    built = build_campaign(county.justice, subjects=3, raters={"群众": [user]})
    results = together(
        2,
        lambda i: ballot_sheet_submit(
            campaign=built.campaign, answers=sheet(built, "较好"), comments={}, actor=user
        ),
    )
    assert len(refused(results)) == 1
    assert Ballot.objects.count() == 3
    assert Receipt.objects.count() == 3
