"""The tally on a small example computed by hand: weighted dimensions and groups, a group
without ballots left out of a total, satisfaction rates, a tie in the ranking, turnout, and
anonymous groups hidden until the campaign is closed."""

from decimal import Decimal

import pytest

from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Token
from grassroots.evaluations.selectors.results import subject_result, tally
from grassroots.evaluations.services.ballots import ballot_cast, token_ballot_cast
from grassroots.evaluations.tests.builders import answers, build_campaign

pytestmark = pytest.mark.django_db


def vote(built, rater, index, *labels):
    ballot_cast(
        campaign=built.campaign,
        subject=built.subjects[index],
        answers=answers(built, *labels),
        rater=rater,
        actor=rater.user,
    )


def token_vote(built, token, *labels):
    token_ballot_cast(
        code=token.code, answers={token.subject_id: answers(built, *labels)}, comments={}
    )


def example(county, make_user):
    """A, B, C, D rated on 履行职责 (weight 2) and 服务态度 (weight 1) by 领导 (40 %, named:
    L1 rates all, L2 rates A-C, L3 never votes) and 群众 (60 %, anonymous: two tokens each for
    A, B, C, one unused for D, one revoked)."""
    users = [make_user() for _ in range(3)]
    built = build_campaign(
        county.justice,
        subjects=4,
        dimensions=(("履行职责", 2), ("服务态度", 1)),
        raters={"领导": users},
        tokens={"群众": [0, 0, 1, 1, 2, 2, 3, 3]},
    )
    l1, l2, _l3 = built.raters["领导"]
    tokens = built.tokens["群众"]
    for index in (0, 1):  # A and B get the same answers: a tie
        vote(built, l1, index, "好", "好")
        vote(built, l2, index, "较好", "一般")
        token_vote(built, tokens[2 * index], "好", "较好")
        token_vote(built, tokens[2 * index + 1], "差", "一般")
    vote(built, l1, 2, "好")
    vote(built, l2, 2, "好")
    token_vote(built, tokens[4], "好")
    token_vote(built, tokens[5], "好")
    vote(built, l1, 3, "一般")
    Token.objects.filter(pk=tokens[7].pk).update(revoked=True)
    return built


def by_label(result):
    return {row.subject.pk: row for row in result.subjects}


def test_tally_of_a_closed_campaign(county, make_user):
    built = example(county, make_user)
    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.save()
    result = tally(built.campaign)
    rows = by_label(result)
    a, b, c, d = (rows[s.pk] for s in built.subjects)

    leaders, masses = a.groups
    assert [cell.average for cell in leaders.dimensions] == [Decimal("90.00"), Decimal("80.00")]
    assert leaders.score_display == Decimal("86.67")  # (2·90 + 80) / 3
    assert masses.score_display == Decimal("70.00")
    assert a.total == Decimal("76.67")  # (40 · 86.67 + 60 · 70) / 100
    assert a.satisfaction == Decimal("62.50")  # 5 of 8 answers 好 or 较好
    assert a.dimensions[0].satisfaction == Decimal("75.00")  # 履行职责: 好, 较好, 好, 差
    assert a.ballots == 4
    assert (a.rank, b.rank, c.rank, d.rank) == (2, 2, 1, 4)
    assert c.total == Decimal("100.00")
    assert d.total == Decimal("60.00")  # 群众 has no ballot on D: left out
    assert [g.name for g in d.missing_groups] == ["群众"]
    assert d.satisfaction == Decimal("0.00")
    assert a.of == 4

    turnout = {t.group.name: t for t in result.turnout}
    assert (turnout["领导"].voters, turnout["领导"].eligible) == (2, 3)
    assert turnout["领导"].rate == Decimal("66.67")
    assert (turnout["群众"].voters, turnout["群众"].eligible) == (6, 7)
    assert turnout["群众"].rate == Decimal("85.71")


def test_anonymous_groups_are_hidden_while_open(county, make_user):
    built = example(county, make_user)
    result = tally(built.campaign)
    a = by_label(result)[built.subjects[0].pk]
    leaders, masses = a.groups
    assert leaders.score_display == Decimal("86.67")
    assert masses.hidden and masses.score is None and masses.ballots == 0
    assert masses.dimensions == []
    assert a.total is None and a.satisfaction is None and a.rank is None
    assert [g.name for g in result.hidden_groups] == ["群众"]
    turnout = {t.group.name: t.voters for t in result.turnout}
    assert turnout == {"领导": 2, "群众": 6}


def test_subject_result_is_one_row_of_the_tally(county, make_user):
    built = example(county, make_user)
    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.save()
    one = subject_result(built.campaign, built.subjects[3])
    assert one.subject == built.subjects[3]
    assert (one.total, one.rank, one.of) == (Decimal("60.00"), 4, 4)
    other = build_campaign(county.branch1, subjects=1)
    assert subject_result(built.campaign, other.subjects[0]) is None


def test_tally_costs_a_fixed_number_of_queries(county, make_user, django_assert_num_queries):
    built = example(county, make_user)
    with django_assert_num_queries(7):
        tally(built.campaign)
