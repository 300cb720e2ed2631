"""Voting pages: 我的测评, an account's sheet (cast, revise in a named group, partial answers),
the public token sheet with its error and thank-you pages, and English."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.testing import queries_of
from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.forms_ballots import comment_name, field_name
from grassroots.evaluations.models import Ballot, Receipt, Score, Token
from grassroots.evaluations.tests.builders import build_campaign

pytestmark = pytest.mark.django_db


def post_data(built, label, subjects=None, comment=""):
    level = built.levels[label].pk
    data = {}
    for subject in subjects if subjects is not None else built.subjects:
        for dimension in built.dimensions:
            data[field_name(subject.pk, dimension.pk)] = str(level)
        data[comment_name(subject.pk)] = comment
    return data


@pytest.fixture
def voter(make_user):
    return make_user()


@pytest.fixture
def built(county, voter):
    return build_campaign(county.justice, raters={"领导": [voter]}, tokens={"群众": 2})


def test_my_campaigns_lists_subjects_with_done_marks(client, built, voter):
    client.force_login(voter)
    url = reverse("evaluations:my_campaigns")
    page = client.get(url).content.decode()
    assert built.campaign.title in page and "已评 0/2" in page
    client.post(
        reverse("evaluations:ballot_sheet", args=[built.campaign.pk]),
        post_data(built, "好", built.subjects[:1]),
    )
    page = client.get(url).content.decode()
    assert "已评 1/2" in page


def test_my_campaigns_in_constant_queries(client, county, voter):
    client.force_login(voter)
    build_campaign(county.justice, subjects=2, raters={"领导": [voter]})
    url = reverse("evaluations:my_campaigns")
    few = queries_of(client, url)
    for _ in range(3):
        build_campaign(county.branch1, subjects=4, raters={"群众": [voter]})
    assert queries_of(client, url) == few


def test_closed_campaigns_are_not_listed(client, county, voter):
    build_campaign(county.justice, raters={"领导": [voter]}, status=CampaignStatus.CLOSED)
    client.force_login(voter)
    assert (
        "目前没有需要您参加的测评"
        in client.get(reverse("evaluations:my_campaigns")).content.decode()
    )


def test_sheet_casts_the_answered_subjects_and_named_ones_revise(client, built, voter):
    client.force_login(voter)
    url = reverse("evaluations:ballot_sheet", args=[built.campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, post_data(built, "好", comment="很好"))
    assert response.status_code == 302
    assert Ballot.objects.filter(rater__user=voter).count() == 2
    page = client.get(url).content.decode()
    assert "已评，测评结束前可以修改" in page and "checked" in page
    client.post(url, post_data(built, "一般", built.subjects[:1]))
    assert Receipt.objects.count() == 2
    assert sorted(Score.objects.values_list("points", flat=True)) == [60, 60, 100, 100]


def test_sheet_refuses_a_partly_answered_subject(client, built, voter):
    client.force_login(voter)
    data = post_data(built, "好")
    data.pop(field_name(built.subjects[1].pk, built.dimensions[1].pk))
    response = client.post(reverse("evaluations:ballot_sheet", args=[built.campaign.pk]), data)
    assert response.status_code == 200
    assert "每个维度" in response.content.decode()
    assert not Ballot.objects.exists()


def test_sheet_of_someone_not_a_rater_is_404(client, built, make_user):
    client.force_login(make_user())
    assert (
        client.get(reverse("evaluations:ballot_sheet", args=[built.campaign.pk])).status_code == 404
    )


def test_sheet_after_close_says_so(client, built, voter):
    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.save()
    client.force_login(voter)
    url = reverse("evaluations:ballot_sheet", args=[built.campaign.pk])
    response = client.post(url, post_data(built, "好"))
    assert "测评已结束" in response.content.decode()
    assert not Ballot.objects.exists()


def test_anonymous_sheet_lists_done_subjects_without_a_form(client, county, voter):
    built = build_campaign(county.justice, raters={"群众": [voter]})
    client.force_login(voter)
    url = reverse("evaluations:ballot_sheet", args=[built.campaign.pk])
    client.post(url, post_data(built, "好"))
    page = client.get(url).content.decode()
    assert "您已完成本次测评" in page
    assert 'data-testid="ballot-sheet"' not in page
    assert Ballot.objects.filter(rater__isnull=True).count() == 2


def test_token_page_needs_no_login_and_thanks(client, built):
    token = built.tokens["群众"][0]
    url = reverse("evaluations:token_ballot", args=[token.code])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="viewport"' in page.content.decode()
    assert "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(url, post_data(built, "较好"))
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:token_thanks")
    assert "提交成功" in client.get(response["Location"]).content.decode()
    assert Ballot.objects.filter(rater__isnull=True).count() == 2
    again = client.get(url)
    assert "该测评码已使用" in again.content.decode()
    assert "该测评码已使用" in client.post(url, post_data(built, "差")).content.decode()
    assert Ballot.objects.count() == 2


def test_token_page_needs_every_subject(client, built):
    token = built.tokens["群众"][0]
    url = reverse("evaluations:token_ballot", args=[token.code])
    response = client.post(url, post_data(built, "好", built.subjects[:1]))
    assert "每个维度" in response.content.decode()
    assert not Ballot.objects.exists()
    assert not Token.objects.get(pk=token.pk).used


def test_token_page_csrf_is_checked(built):
    from django.test import Client

    token = built.tokens["群众"][0]
    strict = Client(enforce_csrf_checks=True)
    url = reverse("evaluations:token_ballot", args=[token.code])
    assert strict.post(url, post_data(built, "好")).status_code == 403
    assert not Ballot.objects.exists()


def test_token_error_pages(client, county, built):
    assert client.get(reverse("evaluations:token_ballot", args=["nope"])).status_code == 404
    assert (
        "测评码无效"
        in client.get(reverse("evaluations:token_ballot", args=["nope"])).content.decode()
    )
    revoked = built.tokens["群众"][1]
    Token.objects.filter(pk=revoked.pk).update(revoked=True)
    assert (
        "作废"
        in client.get(reverse("evaluations:token_ballot", args=[revoked.code])).content.decode()
    )
    later = build_campaign(
        county.branch1, tokens={"群众": 1}, opens_at=timezone.now() + timedelta(days=1)
    )
    code = later.tokens["群众"][0].code
    assert (
        "测评尚未开始"
        in client.get(reverse("evaluations:token_ballot", args=[code])).content.decode()
    )
    ended = build_campaign(county.branch2, tokens={"群众": 1}, status=CampaignStatus.CLOSED)
    code = ended.tokens["群众"][0].code
    assert (
        "测评已结束"
        in client.get(reverse("evaluations:token_ballot", args=[code])).content.decode()
    )


def test_a_foreign_subject_posted_with_a_token_counts_nothing(client, county, built):
    other = build_campaign(county.branch1)
    token = built.tokens["群众"][0]
    url = reverse("evaluations:token_ballot", args=[token.code])
    data = {**post_data(built, "好"), **post_data(other, "差")}
    assert client.post(url, data).status_code == 302
    assert not Ballot.objects.filter(subject__campaign=other.campaign).exists()
    assert Ballot.objects.count() == 2


def test_voting_pages_in_english(english_client, built, voter):
    token = built.tokens["群众"][0]
    assert (
        english_client.get(reverse("evaluations:token_ballot", args=[token.code])).status_code
        == 200
    )
    assert english_client.get(reverse("evaluations:token_thanks")).status_code == 200
    english_client.force_login(voter)
    for url in (
        reverse("evaluations:my_campaigns"),
        reverse("evaluations:ballot_sheet", args=[built.campaign.pk]),
    ):
        response = english_client.get(url)
        assert response.status_code == 200
        assert 'lang="en"' in response.content.decode()


def test_sheets_in_constant_queries(client, county, make_user):
    def pages(subjects):
        user = make_user()
        built = build_campaign(
            county.justice, subjects=subjects, raters={"领导": [user]}, tokens={"群众": 1}
        )
        client.force_login(user)
        url = reverse("evaluations:ballot_sheet", args=[built.campaign.pk])
        client.post(url, post_data(built, "好", built.subjects[:2]))  # revisable ballots
        sheet_queries = queries_of(client, url)
        token_url = reverse("evaluations:token_ballot", args=[built.tokens["群众"][0].code])
        return sheet_queries, queries_of(client, token_url)

    assert pages(3) == pages(12)
