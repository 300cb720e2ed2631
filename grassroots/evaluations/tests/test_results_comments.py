"""The ballots' comments (意见建议) on the results page, the printable page and the Excel file:
per subject, without anything naming their rater, in an order that is not the order of voting,
and those of anonymous groups only once the campaign is closed."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core.testing import queries_of
from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Ballot, Receipt
from grassroots.evaluations.services.ballots import ballot_cast, token_ballot_cast
from grassroots.evaluations.tests.builders import answers, build_campaign, closed_with_votes
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commented(county, make_user):
    """Two subjects. On the first, the named 领导 writes 领导的意见; in the anonymous 群众 an
    account writes "2 先投的意见", then a code writes "1 后投的意见" (an order of voting would
    list 2 before 1), and a second code leaves a blank comment. The second subject has none."""
    leader = make_user(person=PersonFactory(primary_org=county.branch1, name="实名丁"))
    anonymous = make_user(person=PersonFactory(primary_org=county.branch1, name="匿名戊"))
    built = build_campaign(
        county.justice,
        raters={"领导": [leader], "群众": [anonymous]},
        tokens={"群众": [0, 0]},
    )
    first = built.subjects[0]
    ballot_cast(
        campaign=built.campaign,
        subject=first,
        answers=answers(built, "好"),
        comment="领导的意见",
        rater=built.raters["领导"][0],
        actor=leader,
    )
    ballot_cast(
        campaign=built.campaign,
        subject=first,
        answers=answers(built, "一般"),
        comment="2 先投的意见",
        rater=built.raters["群众"][0],
        actor=anonymous,
    )
    used, silent = built.tokens["群众"]
    token_ballot_cast(
        code=used.code,
        answers={first.pk: answers(built, "较好")},
        comments={first.pk: "1 后投的意见"},
    )
    token_ballot_cast(
        code=silent.code, answers={first.pk: answers(built, "差")}, comments={first.pk: "  "}
    )
    built.leader, built.anonymous = leader, anonymous
    return built


def close(built):
    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.save()


def urls(built):
    page = reverse("evaluations:campaign_results", args=[built.campaign.pk])
    return (
        page,
        page + "?print=1",
        reverse("evaluations:campaign_results_xlsx", args=[built.campaign.pk]),
    )


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def sheet_rows(book, index: int) -> list[tuple]:
    return list(book.worksheets[index].iter_rows(values_only=True))


def section(html: str) -> str:
    """The comments part of a page (its end)."""
    return html[html.index('data-testid="comments"') :]


def test_comments_are_shown_per_subject_once_closed(client, county, make_user, commented):
    close(commented)
    client.force_login(make_user("committee_admin", county.justice))
    page, printable, xlsx = urls(commented)
    first = commented.subjects[0]
    for url in (page, printable):
        html = client.get(url).content.decode()
        comments = section(html)
        assert html.count('data-testid="subject-comments"') == 1  # the second has none
        assert first.label in comments and commented.subjects[1].label not in comments
        assert html.count('data-testid="comment"') == 3  # the blank one is not listed
        # the named group first, then the anonymous group's by their text, not in the order
        # they were cast (the account's "2" before the code's "1")
        assert comments.index("领导的意见") < comments.index("1 后投的意见")
        assert comments.index("1 后投的意见") < comments.index("2 先投的意见")
        assert 'data-testid="comments-hidden"' not in html

    book = workbook(client.get(xlsx))
    assert book.sheetnames[1] == "意见建议"
    assert sheet_rows(book, 1) == [
        ("测评对象", "测评人类别", "意见建议"),
        (first.label, "领导", "领导的意见"),
        (first.label, "群众", "1 后投的意见"),
        (first.label, "群众", "2 先投的意见"),
    ]


def test_no_rater_or_code_is_shown_beside_the_comments(client, county, make_user, commented):
    close(commented)
    client.force_login(make_user("committee_admin", county.justice))
    page, printable, xlsx = urls(commented)
    book = workbook(client.get(xlsx))
    file_text = "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
    )
    keys = [str(pk) for pk in Ballot.objects.values_list("pk", flat=True)]
    keys += [str(pk) for pk in Receipt.objects.values_list("pk", flat=True)]
    for text in (
        client.get(page).content.decode(),
        client.get(printable).content.decode(),
        file_text,
    ):
        assert "2 先投的意见" in text
        for user in (commented.leader, commented.anonymous):
            assert user.username not in text and user.person.name not in text
        for token in commented.tokens["群众"]:
            assert token.code not in text
        assert not [key for key in keys if key in text]


def test_anonymous_comments_are_hidden_while_open(client, county, make_user, commented):
    client.force_login(make_user("committee_admin", county.justice))
    page, printable, xlsx = urls(commented)
    for url in (page, printable):
        html = client.get(url).content.decode()
        assert "领导的意见" in section(html)  # a named group's, as its scores
        assert "先投的意见" not in html and "后投的意见" not in html
        assert 'data-testid="comments-hidden"' in html
    book = workbook(client.get(xlsx))
    rows = sheet_rows(book, 1)
    assert (commented.subjects[0].label, "领导", "领导的意见") in rows
    assert (None, "群众", "测评结束后显示") in rows
    assert not [row for row in rows if "先投" in str(row) or "后投" in str(row)]


def test_a_comment_is_no_formula_in_the_file(client, county, make_user):
    voter = make_user()
    built = build_campaign(county.justice, subjects=1, raters={"领导": [voter]})
    ballot_cast(
        campaign=built.campaign,
        subject=built.subjects[0],
        answers=answers(built, "好"),
        comment='=HYPERLINK("http://example.com","x")',
        rater=built.raters["领导"][0],
        actor=voter,
    )
    client.force_login(make_user("committee_admin", county.justice))
    book = workbook(client.get(urls(built)[2]))
    cell = book.worksheets[1]["C2"]
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")


def with_comments(county, make_user, subjects: int):
    """A closed campaign where a named rater and a code comment on every subject."""
    return closed_with_votes(county, make_user, subjects, comments=True)


def test_comments_cost_one_query_whatever_the_subjects(client, county, make_user):
    client.force_login(make_user("committee_admin", county.justice))
    few = with_comments(county, make_user, 3)
    many = with_comments(county, make_user, 60)  # two pages: the first lists 50
    few_page, few_print, _ = urls(few)
    many_page, many_print, _ = urls(many)
    assert queries_of(client, few_page) == queries_of(client, many_page)
    assert queries_of(client, few_print) == queries_of(client, many_print)
    html = client.get(many_page).content.decode()
    assert html.count('data-testid="subject-comments"') == 50
    assert html.count('data-testid="comment"') == 100
    assert client.get(many_print).content.decode().count('data-testid="comment"') == 120
