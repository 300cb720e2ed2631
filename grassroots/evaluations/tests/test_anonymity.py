"""Anonymity is kept by what is not stored and not shown: after an anonymous token and an
anonymous account vote, no page or file shows a ballot of theirs, no row pairs a voter with a
ballot, and an anonymous group's scores stay hidden while the campaign is open."""

import io

import pytest
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Ballot, Receipt, Score, Token
from grassroots.evaluations.services.ballots import ballot_cast, token_ballot_cast
from grassroots.evaluations.tests.builders import answers, build_campaign, sheet
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(county, make_user):
    """One subject; 领导 (named) votes 好, 群众 (anonymous) votes 差 with an account and 一般
    with a token, each with a comment."""
    leader = make_user()
    person = PersonFactory(primary_org=county.branch1, name="匿名甲")
    anonymous = make_user(person=person)
    built = build_campaign(
        county.justice,
        subjects=1,
        raters={"领导": [leader], "群众": [anonymous]},
        tokens={"群众": 1},
    )
    subject = built.subjects[0]
    ballot_cast(
        campaign=built.campaign,
        subject=subject,
        answers=answers(built, "好"),
        rater=built.raters["领导"][0],
        actor=leader,
    )
    ballot_cast(
        campaign=built.campaign,
        subject=subject,
        answers=answers(built, "差"),
        comment="甲的意见",
        rater=built.raters["群众"][0],
        actor=anonymous,
    )
    token = built.tokens["群众"][0]
    token_ballot_cast(
        code=token.code, answers=sheet(built, "一般"), comments={subject.pk: "乙的意见"}
    )
    built.anonymous_user = anonymous
    built.token = token
    return built


def close(built):
    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.save()


def number(value) -> str:
    """Numbers of the file written as on the page (50 → 50.00)."""
    return f"{value:.2f}" if isinstance(value, int | float) else str(value)


def texts(client, built) -> list[str]:
    pk = built.campaign.pk
    url = reverse("evaluations:campaign_results", args=[pk])
    pages = [client.get(url).content.decode(), client.get(url + "?print=1").content.decode()]
    response = client.get(reverse("evaluations:campaign_results_xlsx", args=[pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    pages.append(
        "\n".join(
            " ".join(number(v) for v in row if v is not None)
            for ws in book.worksheets[:1]  # the results (then the comments and the turnout)
            for row in ws.iter_rows(values_only=True)
        )
    )
    return pages


def test_anonymous_ballots_keep_no_rater(voted):
    group = voted.groups["群众"]
    assert Ballot.objects.filter(group=group).count() == 2
    assert not Ballot.objects.filter(group=group, rater__isnull=False).exists()
    assert Ballot.objects.filter(group=voted.groups["领导"], rater__isnull=False).count() == 1
    # the receipts say who voted, nothing more
    assert Receipt.objects.filter(group=group).count() == 2


def test_no_field_pairs_a_ballot_with_a_voter():
    for model in (Ballot, Receipt, Score):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.TimeField), (model, field)
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert isinstance(Receipt._meta.pk, models.UUIDField)
    ballot_links = {f.related_model for f in Ballot._meta.get_fields() if f.is_relation}
    receipt_links = {f.related_model for f in Receipt._meta.get_fields() if f.is_relation}
    assert Receipt not in ballot_links and Token not in ballot_links
    assert Ballot not in receipt_links and Score not in receipt_links
    token_fields = {f.name for f in Token._meta.get_fields()}
    assert not {"used_at", "ballot", "ballots"} & token_fields


def test_nothing_is_audited_about_votes(voted):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    kinds = ContentType.objects.get_for_models(Ballot, Receipt, Score, Token).values()
    assert not LogEntry.objects.filter(content_type__in=kinds).exists()


def test_results_show_no_ballot_of_an_anonymous_voter(client, county, make_user, voted):
    close(voted)
    client.force_login(make_user("committee_admin", county.justice))
    ballot_ids = [str(pk) for pk in Ballot.objects.values_list("pk", flat=True)]
    receipt_ids = [str(pk) for pk in Receipt.objects.values_list("pk", flat=True)]
    for text in texts(client, voted):
        assert "50.00" in text  # 群众: (40 + 60) / 2, an aggregate
        assert voted.token.code not in text
        assert "匿名甲" not in text and voted.anonymous_user.username not in text
        for pk in ballot_ids + receipt_ids:
            assert pk not in text
        # no column of single answers: 40 and 60 (one voter each) never appear
        assert "40.00" not in text and "60.00" not in text
    # Once closed, the comments are listed under the subject, with nobody's name beside them
    # (the checks above) and in the order of their text, not of the votes.
    page = texts(client, voted)[0]
    assert "甲的意见" in page and "乙的意见" in page


def test_anonymous_scores_are_hidden_while_open(client, county, make_user, voted):
    client.force_login(make_user("committee_admin", county.justice))
    for text in texts(client, voted):
        assert "测评结束后显示" in text
        assert "50.00" not in text  # 群众's average
        assert "100.00" in text  # 领导 (named) is shown
    page = texts(client, voted)[0]
    assert "乙的意见" not in page and "甲的意见" not in page


def test_the_subject_sees_no_results(client, voted, make_user):
    subject_user = make_user(person=voted.subjects[0].person)
    client.force_login(subject_user)
    pk = voted.campaign.pk
    close(voted)
    assert client.get(reverse("evaluations:campaign_results", args=[pk])).status_code == 404
    assert client.get(reverse("evaluations:campaign_results_xlsx", args=[pk])).status_code == 404
    assert client.get(reverse("evaluations:ballot_sheet", args=[pk])).status_code == 404
    page = client.get(reverse("evaluations:my_campaigns")).content.decode()
    assert "差" not in page and "一般" not in page and "意见" not in page


def test_the_anonymous_voter_sees_no_ballot_of_theirs(client, voted):
    client.force_login(voted.anonymous_user)
    page = client.get(
        reverse("evaluations:ballot_sheet", args=[voted.campaign.pk])
    ).content.decode()
    assert "甲的意见" not in page and "checked" not in page
