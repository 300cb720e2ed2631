"""A results page of many subjects shows 50 a page in rank order, with a search by name; the
printable page lists them all."""

from django.urls import reverse

from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.tests.builders import build_campaign


def test_results_are_paged_and_searchable(client, county, make_user):
    built = build_campaign(county.justice, subjects=60, status=CampaignStatus.CLOSED)
    client.force_login(make_user("committee_admin", county.justice))
    url = reverse("evaluations:campaign_results", args=[built.campaign.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('data-testid="results-row"') == 50
    assert second.count('data-testid="results-row"') == 10
    assert "第 1 / 2 页" in first

    label = built.subjects[41].label
    found = client.get(url, {"q": label}).content.decode()
    assert found.count('data-testid="results-row"') == 1 and label in found

    printable = client.get(url, {"print": "1"}).content.decode()
    assert printable.count('data-testid="results-row"') == 60
