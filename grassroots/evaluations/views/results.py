"""Results pages: the table of a campaign's results (and its printable version) and the Excel
export, for holders of evaluations.view_campaign on the campaign's organization. Aggregates
and the ballots' comments, which name no rater: no page or file lists a ballot of an anonymous
group."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.core.permissions import user_can
from grassroots.core.views import querystring_base
from grassroots.core.workbooks import workbook_response

from ..exports import write_results
from ..selectors import results as selectors

PAGE_SIZE = 50


@login_required
def campaign_results(request, pk):
    """The results in rank order, 50 subjects a page with a search by name (a county-wide
    evaluation has a thousand subjects); the printable page lists them all."""
    campaign = selectors.access_results(request.user, pk)
    result = selectors.tally(campaign)
    rows = selectors.ordered(result)
    printable = request.GET.get("print") == "1"
    query = request.GET.get("q", "").strip()[:40]
    page = None
    if not printable:
        if query:
            rows = [row for row in rows if query in row.subject.label]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page.object_list
    rows = list(rows)
    return render(
        request,
        "evaluations/results/print.html" if printable else "evaluations/results/results.html",
        {
            "campaign": campaign,
            "result": result,
            "rows": rows,
            "comments": selectors.subject_comments(result, rows),
            "page_obj": page,
            "query": query,
            "querystring_base": querystring_base(request),
            "can_manage": user_can(request.user, selectors.MANAGE, campaign),
            "crumbs": [
                {
                    "label": campaign.title,
                    "url": reverse("evaluations:campaign_detail", args=[campaign.pk]),
                },
                {"label": _("测评结果")},
            ],
        },
    )


@login_required
def campaign_results_xlsx(request, pk):
    campaign = selectors.access_results(request.user, pk)
    result = selectors.tally(campaign)
    workbook = write_results(result)
    return workbook_response(workbook, _("%(title)s测评结果.xlsx") % {"title": campaign.title})


@login_required
def named_ballots(request, pk):
    """实名票: the ballots of named groups with their raters, for the campaign's managers."""
    campaign = selectors.access_named_ballots(request.user, pk)
    return render(
        request,
        "evaluations/results/named_ballots.html",
        {
            "campaign": campaign,
            "dimensions": list(campaign.dimensions.all()),
            "rows": selectors.named_ballots(campaign),
            "crumbs": [
                {
                    "label": campaign.title,
                    "url": reverse("evaluations:campaign_detail", args=[campaign.pk]),
                },
                {
                    "label": _("测评结果"),
                    "url": reverse("evaluations:campaign_results", args=[campaign.pk]),
                },
                {"label": _("实名测评票")},
            ],
        },
    )
