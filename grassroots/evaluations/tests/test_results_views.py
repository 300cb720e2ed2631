"""Results pages: who may see them, the table, the printable page and the Excel export, and the
query budget for few and many subjects."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core.testing import queries_of
from grassroots.evaluations.services.ballots import ballot_cast
from grassroots.evaluations.tests.builders import answers, build_campaign, closed_with_votes

pytestmark = pytest.mark.django_db


def workbook_text(response) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
    )


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        ("org_dept_admin", "root", 200),
        ("committee_admin", "justice", 200),
        ("discipline_inspector", "justice", 200),
        ("committee_admin", "town", 404),
        ("branch_secretary", "branch1", 404),
    ],
)
def test_results_need_view_permission_on_the_organization(
    client, county, make_user, role, where, status
):
    built = closed_with_votes(county, make_user)
    client.force_login(make_user(role, getattr(county, where)))
    pk = built.campaign.pk
    assert client.get(reverse("evaluations:campaign_results", args=[pk])).status_code == status
    assert client.get(reverse("evaluations:campaign_results_xlsx", args=[pk])).status_code == status


def test_a_subject_gets_no_results_without_the_permission(client, county, make_user):
    built = closed_with_votes(county, make_user)
    person = built.subjects[0].person
    subject_user = make_user(person=person)
    client.force_login(subject_user)
    url = reverse("evaluations:campaign_results", args=[built.campaign.pk])
    assert client.get(url).status_code == 404


def test_results_page_print_and_export(client, county, make_user):
    built = closed_with_votes(county, make_user)
    client.force_login(make_user("committee_admin", county.justice))
    url = reverse("evaluations:campaign_results", args=[built.campaign.pk])
    page = client.get(url).content.decode()
    assert page.count('data-testid="results-row"') == 2
    assert "88.00" in page  # 40 % · 100 + 60 % · 80
    assert "100.00%" in page
    printable = client.get(url + "?print=1").content.decode()
    assert "@media print" in printable and "88.00" in printable
    response = client.get(reverse("evaluations:campaign_results_xlsx", args=[built.campaign.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = workbook_text(response)
    assert "88" in text and built.subjects[0].label in text


def test_results_page_in_constant_queries(client, county, make_user):
    officer = make_user("committee_admin", county.justice)
    few = closed_with_votes(county, make_user, subjects=3)
    many = closed_with_votes(county, make_user, subjects=30)
    client.force_login(officer)
    assert queries_of(
        client, reverse("evaluations:campaign_results", args=[few.campaign.pk])
    ) == queries_of(client, reverse("evaluations:campaign_results", args=[many.campaign.pk]))


def test_results_pages_in_english(english_client, county, make_user):
    built = closed_with_votes(county, make_user)
    english_client.force_login(make_user("committee_admin", county.justice))
    url = reverse("evaluations:campaign_results", args=[built.campaign.pk])
    named = reverse("evaluations:named_ballots", args=[built.campaign.pk])
    for target in (url, url + "?print=1", named):
        response = english_client.get(target)
        assert response.status_code == 200 and 'lang="en"' in response.content.decode()
    xlsx = english_client.get(
        reverse("evaluations:campaign_results_xlsx", args=[built.campaign.pk])
    )
    assert xlsx.status_code == 200


def test_named_ballots_are_listed_to_managers_only(client, county, make_user):
    from grassroots.orgs.tests.factories import PersonFactory

    named = make_user(person=PersonFactory(primary_org=county.branch1, name="实名乙"))
    hidden = make_user(person=PersonFactory(primary_org=county.branch1, name="匿名丙"))
    built = build_campaign(county.justice, raters={"领导": [named], "群众": [hidden]})
    for user, group, label in ((named, "领导", "较好"), (hidden, "群众", "差")):
        ballot_cast(
            campaign=built.campaign,
            subject=built.subjects[0],
            answers=answers(built, label),
            comment=f"{group}意见",
            rater=built.raters[group][0],
            actor=user,
        )
    url = reverse("evaluations:named_ballots", args=[built.campaign.pk])
    client.force_login(make_user("discipline_inspector", county.justice))
    assert client.get(url).status_code == 404
    client.force_login(make_user("committee_admin", county.justice))
    page = client.get(url).content.decode()
    assert page.count('data-testid="named-ballot"') == 1
    assert "实名乙" in page and "较好" in page and "领导意见" in page
    assert "匿名丙" not in page and "群众意见" not in page and "差" not in page


def test_named_ballots_in_constant_queries(client, county, make_user):
    officer = make_user("committee_admin", county.justice)
    few = closed_with_votes(county, make_user, subjects=2)
    many = closed_with_votes(county, make_user, subjects=12)
    client.force_login(officer)
    assert queries_of(
        client, reverse("evaluations:named_ballots", args=[few.campaign.pk])
    ) == queries_of(client, reverse("evaluations:named_ballots", args=[many.campaign.pk]))
