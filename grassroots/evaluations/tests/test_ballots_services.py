"""Voting: a named rater's ballot, its revision in a named group only, a second vote refused,
the window, and single-use tokens, with nothing counted when refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Ballot, Receipt, Score, Token
from grassroots.evaluations.services.ballots import (
    ballot_cast,
    ballot_revise,
    ballot_sheet_submit,
    token_ballot_cast,
)
from grassroots.evaluations.tests.builders import answers, build_campaign, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(county, make_user):
    leader, member = make_user(), make_user()
    return build_campaign(
        county.justice,
        raters={"领导": [leader], "群众": [member]},
        tokens={"群众": 2},
    )


def leader_of(built):
    return built.raters["领导"][0]


def member_of(built):
    return built.raters["群众"][0]


def cast(built, rater, subject=None, *labels, **extra):
    return ballot_cast(
        campaign=built.campaign,
        subject=subject or built.subjects[0],
        answers=answers(built, *(labels or ("好",))),
        rater=rater,
        actor=rater.user,
        **extra,
    )


def message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_named_rater_casts_and_keeps_the_rater(built):
    rater = leader_of(built)
    ballot = cast(built, rater, None, "好", "较好", comment=" 工作认真 ")
    assert ballot.rater == rater
    assert ballot.comment == "工作认真"
    scores = sorted(Score.objects.filter(ballot=ballot).values_list("points", "satisfied"))
    assert [(int(p), s) for p, s in scores] == [(80, True), (100, True)]
    assert (
        Score.objects.filter(ballot=ballot, group=rater.group, subject=built.subjects[0]).count()
        == 2
    )
    assert Receipt.objects.filter(rater=rater, subject=built.subjects[0]).count() == 1


def test_named_ballot_may_be_revised_while_open(built):
    rater = leader_of(built)
    ballot = cast(built, rater)
    ballot_revise(ballot=ballot, answers=answers(built, "差"), comment="改", actor=rater.user)
    assert sorted(Score.objects.filter(ballot=ballot).values_list("points", flat=True)) == [40, 40]
    assert Ballot.objects.get(pk=ballot.pk).comment == "改"
    assert Receipt.objects.filter(rater=rater).count() == 1


def test_revision_by_someone_else_is_refused(built, make_user):
    ballot = cast(built, leader_of(built))
    with pytest.raises(PermissionDenied):
        ballot_revise(ballot=ballot, answers=answers(built, "差"), actor=make_user())


def test_revision_after_close_is_refused(built):
    rater = leader_of(built)
    ballot = cast(built, rater)
    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.save()
    with pytest.raises(ValidationError) as exc:
        ballot_revise(ballot=ballot, answers=answers(built, "差"), actor=rater.user)
    assert "测评已结束" in message(exc)
    assert sorted(Score.objects.filter(ballot=ballot).values_list("points", flat=True)) == [
        100,
        100,
    ]


def test_anonymous_ballot_has_no_rater_and_cannot_be_revised(built):
    rater = member_of(built)
    ballot = cast(built, rater)
    assert ballot.rater is None
    assert Ballot.objects.get(pk=ballot.pk).rater_id is None
    with pytest.raises(ValidationError) as exc:
        ballot_revise(ballot=ballot, answers=answers(built, "差"), actor=rater.user)
    assert "匿名测评提交后不能修改" in message(exc)


@pytest.mark.parametrize("group", ["领导", "群众"])
def test_a_second_vote_is_refused_and_nothing_counted(built, group):
    rater = built.raters[group][0]
    cast(built, rater)
    with pytest.raises(ValidationError) as exc:
        cast(built, rater, None, "差")
    assert "已对该对象投过票" in message(exc)
    assert Ballot.objects.count() == 1
    assert Score.objects.count() == 2


def test_a_rater_of_one_subject_cannot_rate_another(county, make_user):
    user = make_user()
    built = build_campaign(county.justice, raters={"领导": [(user, 0)]})
    with pytest.raises(ValidationError) as exc:
        cast(built, built.raters["领导"][0], built.subjects[1])
    assert "不是" in message(exc)
    assert not Ballot.objects.exists() and not Receipt.objects.exists()


def test_someone_else_cannot_vote_as_a_rater(built, make_user):
    with pytest.raises(PermissionDenied):
        ballot_cast(
            campaign=built.campaign,
            subject=built.subjects[0],
            answers=answers(built, "好"),
            rater=leader_of(built),
            actor=make_user(),
        )


def test_every_dimension_must_be_answered_with_a_level_of_the_campaign(built, county):
    rater = leader_of(built)
    partial = dict(list(answers(built, "好").items())[:1])
    with pytest.raises(ValidationError) as exc:
        cast_with(built, rater, partial)
    assert "每个维度" in message(exc)
    other = build_campaign(county.branch1)
    foreign = {d.pk: other.levels["好"].pk for d in built.dimensions}
    with pytest.raises(ValidationError) as exc:
        cast_with(built, rater, foreign)
    assert "不属于本测评" in message(exc)
    assert not Receipt.objects.filter(campaign=built.campaign).exists()


def cast_with(built, rater, given):
    return ballot_cast(
        campaign=built.campaign,
        subject=built.subjects[0],
        answers=given,
        rater=rater,
        actor=rater.user,
    )


@pytest.mark.parametrize(
    ("status", "shift", "text"),
    [
        (CampaignStatus.DRAFT, 0, "测评尚未开始"),
        (CampaignStatus.OPEN, 2, "测评尚未开始"),
        (CampaignStatus.OPEN, -5, "测评已结束"),
        (CampaignStatus.CLOSED, 0, "测评已结束"),
        (CampaignStatus.CANCELLED, 0, "测评已结束"),
    ],
)
def test_votes_outside_the_window_are_refused(county, make_user, status, shift, text):
    user = make_user()
    opens = timezone.now() - timedelta(hours=1) + timedelta(days=shift)
    built = build_campaign(
        county.justice,
        raters={"领导": [user]},
        tokens={"群众": 1},
        status=status,
        opens_at=opens,
        closes_at=opens + timedelta(days=3),
    )
    with pytest.raises(ValidationError) as exc:
        cast(built, built.raters["领导"][0])
    assert text in message(exc)
    with pytest.raises(ValidationError) as exc:
        token_ballot_cast(
            code=built.tokens["群众"][0].code, answers=sheet(built, "好"), comments={}
        )
    assert text in message(exc)
    assert not Ballot.objects.exists() and not Receipt.objects.exists()
    assert not Token.objects.filter(used=True).exists()


def test_sheet_submit_casts_and_revises_in_one_transaction(built):
    rater = leader_of(built)
    user = rater.user
    first = sheet(built, "好", subjects=built.subjects[:1])
    assert ballot_sheet_submit(campaign=built.campaign, answers=first, comments={}, actor=user) == 1
    both = sheet(built, "较好")
    count = ballot_sheet_submit(
        campaign=built.campaign, answers=both, comments={built.subjects[1].pk: "好"}, actor=user
    )
    assert count == 2
    assert Ballot.objects.filter(rater=rater).count() == 2
    assert set(Score.objects.values_list("points", flat=True)) == {80}


def test_sheet_submit_saves_nothing_when_one_subject_is_refused(built):
    user = member_of(built).user
    ballot_sheet_submit(
        campaign=built.campaign,
        answers=sheet(built, "好", subjects=built.subjects[1:]),
        comments={},
        actor=user,
    )
    with pytest.raises(ValidationError):
        ballot_sheet_submit(
            campaign=built.campaign, answers=sheet(built, "差"), comments={}, actor=user
        )
    assert Ballot.objects.count() == 1
    assert Receipt.objects.count() == 1


def test_token_rates_every_subject_once_and_is_spent(built):
    token = built.tokens["群众"][0]
    count = token_ballot_cast(
        code=token.code, answers=sheet(built, "好"), comments={built.subjects[0].pk: "不错"}
    )
    assert count == 2
    token.refresh_from_db()
    assert token.used
    assert Ballot.objects.filter(group=built.groups["群众"], rater__isnull=True).count() == 2
    assert Receipt.objects.filter(token=token).count() == 2
    with pytest.raises(ValidationError) as exc:
        token_ballot_cast(code=token.code, answers=sheet(built, "差"), comments={})
    assert "该测评码已使用" in message(exc)
    assert Ballot.objects.count() == 2


def test_token_refusals_count_nothing(built, county):
    token = built.tokens["群众"][0]
    with pytest.raises(ValidationError) as exc:
        token_ballot_cast(code="nope", answers=sheet(built, "好"), comments={})
    assert "测评码无效" in message(exc)
    Token.objects.filter(pk=token.pk).update(revoked=True)
    with pytest.raises(ValidationError) as exc:
        token_ballot_cast(code=token.code, answers=sheet(built, "好"), comments={})
    assert "作废" in message(exc)
    other = built.tokens["群众"][1]
    with pytest.raises(ValidationError) as exc:
        token_ballot_cast(
            code=other.code, answers=sheet(built, "好", subjects=built.subjects[:1]), comments={}
        )
    assert "每个维度" in message(exc)
    foreign = build_campaign(county.branch1)
    with pytest.raises(ValidationError) as exc:
        token_ballot_cast(code=other.code, answers=sheet(foreign, "好"), comments={})
    assert "不在本测评" in message(exc)
    assert not Ballot.objects.exists() and not Receipt.objects.exists()
    assert not Token.objects.filter(used=True).exists()


def test_token_of_one_subject_rates_it_only(county):
    built = build_campaign(county.justice, tokens={"群众": [1]})
    token = built.tokens["群众"][0]
    with pytest.raises(ValidationError):
        token_ballot_cast(code=token.code, answers=sheet(built, "好"), comments={})
    assert (
        token_ballot_cast(
            code=token.code, answers=sheet(built, "好", subjects=built.subjects[1:]), comments={}
        )
        == 1
    )
    assert Ballot.objects.get().subject == built.subjects[1]
