"""A closed campaign's tally is computed once and then read from the cache; an open one is
counted on every look (its ballots still change)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Campaign
from grassroots.evaluations.selectors.results import tally
from grassroots.evaluations.tests.builders import build_campaign


def _score_queries(campaign) -> int:
    fresh = Campaign.objects.get(pk=campaign.pk)
    with CaptureQueriesContext(connection) as ctx:
        tally(fresh)
    return sum("evaluations_score" in q["sql"] for q in ctx.captured_queries)


def test_closed_campaign_is_counted_once(county):
    built = build_campaign(county.justice, subjects=3, status=CampaignStatus.OPEN)
    assert _score_queries(built.campaign) == 1
    assert _score_queries(built.campaign) == 1  # open: counted again

    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.closed_at = built.campaign.closes_at
    built.campaign.save(update_fields=["status", "closed_at"])
    assert _score_queries(built.campaign) == 1
    assert _score_queries(built.campaign) == 0  # from the cache
    one = tally(Campaign.objects.get(pk=built.campaign.pk), subjects=[built.subjects[1].pk])
    assert [r.subject.pk for r in one.subjects] == [built.subjects[1].pk]
    assert len(tally(Campaign.objects.get(pk=built.campaign.pk)).subjects) == 3
