"""Reads of a campaign's setup, scoped to the user: the list of campaigns, one campaign with
its subjects, dimensions, scale, groups, raters and tokens, and the people, units and accounts
a manager may add to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from grassroots.core.permissions import access, objects_for, subtree_q
from grassroots.orgs.enums import OrgStatus, PersonStatus
from grassroots.orgs.models import Organization, Person
from grassroots.orgs.selectors import search_q

from ..enums import CampaignStatus
from ..models import Campaign, Dimension, Rater, RaterGroup, ScaleLevel, Subject, Token

VIEW = "evaluations.view_campaign"
MANAGE = "evaluations.manage_campaign"
SEARCH_LIMIT = 30


@dataclass
class CampaignFilter:
    query: str = ""
    status: str = ""
    organization: Organization | None = None  # a subtree


def _count(model, **extra) -> Subquery:
    rows = (
        model.objects.filter(campaign=OuterRef("pk"), **extra)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1]), 0)


def campaigns_for(user, filters: CampaignFilter | None = None) -> QuerySet[Campaign]:
    """The campaigns of the user's view scope, newest first, with their subject and rater
    counts (subqueries: one query for the page whatever its length)."""
    flt = filters or CampaignFilter()
    qs = objects_for(user, VIEW, Campaign.objects.select_related("organization"))
    if flt.organization is not None:
        qs = qs.filter(subtree_q("organization__path", flt.organization.path))
    if flt.status in CampaignStatus.values:
        qs = qs.filter(status=flt.status)
    query = (flt.query or "").strip()[:60]
    if query:
        qs = qs.filter(title__contains=query)
    return qs.annotate(subject_count=_count(Subject), rater_count=_count(Rater)).order_by(
        "-opens_at", "-id"
    )


def access_campaign(user, pk, codename: str = VIEW) -> Campaign:
    """One campaign the user may `codename` (404 outside the scope)."""
    return access(user, codename, Campaign.objects.select_related("organization", "created_by"), pk)


def manageable_organizations(user) -> QuerySet[Organization]:
    """Where the user may organize a campaign: active units of the manage scope."""
    return (
        objects_for(user, MANAGE, Organization.objects.filter(status=OrgStatus.ACTIVE))
        .only("id", "name", "short_name", "depth", "path")
        .order_by("path")
    )


@dataclass
class CampaignSetup:
    subjects: list[Subject]
    dimensions: list[Dimension]
    levels: list[ScaleLevel]
    groups: list[RaterGroup]  # each with rater_count, token_count, used_count, revoked_count
    raters: list[Rater]
    tokens: list[Token]
    weight_total: Decimal = Decimal(0)
    dimension_total: Decimal = Decimal(0)
    counts: dict = field(default_factory=dict)


def campaign_setup(campaign: Campaign) -> CampaignSetup:
    """Everything the setup page shows, in a constant number of queries: the rows of each
    part, and the raters and tokens of each group counted by one grouped query each."""
    subjects = list(
        Subject.objects.filter(campaign=campaign)
        .select_related("person__primary_org", "organization")
        .order_by("sort_order", "id")
    )
    dimensions = list(Dimension.objects.filter(campaign=campaign).order_by("sort_order", "id"))
    levels = list(ScaleLevel.objects.filter(campaign=campaign).order_by("sort_order", "id"))
    groups = list(RaterGroup.objects.filter(campaign=campaign).order_by("sort_order", "id"))
    rater_counts = dict(
        Rater.objects.filter(campaign=campaign)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )
    token_counts = {
        row["group"]: row
        for row in Token.objects.filter(campaign=campaign)
        .order_by()
        .values("group")
        .annotate(
            n_total=Count("pk"),
            n_used=Count("pk", filter=Q(used=True)),
            n_revoked=Count("pk", filter=Q(revoked=True, used=False)),
        )
    }
    for group in groups:
        tokens = token_counts.get(group.pk, {})
        group.rater_count = rater_counts.get(group.pk, 0)
        group.token_count = tokens.get("n_total", 0)
        group.used_count = tokens.get("n_used", 0)
        group.revoked_count = tokens.get("n_revoked", 0)
        group.unused_count = group.token_count - group.used_count - group.revoked_count
    raters = list(
        Rater.objects.filter(campaign=campaign)
        .select_related("user__person__primary_org", "group", "subject")
        .order_by("group__sort_order", "group_id", "user__username", "id")
    )
    tokens = list(
        Token.objects.filter(campaign=campaign)
        .select_related("group", "subject")
        .order_by("serial")
    )
    return CampaignSetup(
        subjects=subjects,
        dimensions=dimensions,
        levels=levels,
        groups=groups,
        raters=raters,
        tokens=tokens,
        weight_total=sum((g.weight for g in groups), Decimal(0)),
        dimension_total=sum((d.weight for d in dimensions), Decimal(0)),
        counts={
            "tokens": len(tokens),
            "unused": sum(1 for t in tokens if not t.used and not t.revoked),
            "used": sum(1 for t in tokens if t.used),
            "revoked": sum(1 for t in tokens if t.revoked and not t.used),
        },
    )


def printable_tokens(
    campaign: Campaign, *, group_id: int | None = None, subject_id: int | None = None
) -> list[Token]:
    """The codes still to hand out (neither used nor revoked), for the printed QR sheet."""
    qs = Token.objects.filter(campaign=campaign, used=False, revoked=False)
    if group_id:
        qs = qs.filter(group_id=group_id)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return list(qs.select_related("group", "subject").order_by("serial"))


# --- What a manager may add -----------------------------------------------------------------------


def people_search(user, query: str, campaign: Campaign, *, limit: int = SEARCH_LIMIT):
    """Active people in the user's view found by name, pinyin or mobile, not yet subjects."""
    query = (query or "").strip()[:40]
    if not query:
        return []
    listed = Subject.objects.filter(campaign=campaign, person__isnull=False).values("person_id")
    qs = objects_for(user, "orgs.view_person", Person.objects.filter(status=PersonStatus.ACTIVE))
    return list(
        qs.filter(search_q(query, user))
        .exclude(pk__in=listed)
        .select_related("primary_org")
        .order_by("primary_org__path", "name_pinyin", "id")[:limit]
    )


def organizations_search(user, query: str, campaign: Campaign, *, limit: int = SEARCH_LIMIT):
    """Active units in the user's view found by name or code, not yet subjects."""
    query = (query or "").strip()[:60]
    if not query:
        return []
    listed = Subject.objects.filter(campaign=campaign, organization__isnull=False).values(
        "organization_id"
    )
    qs = objects_for(
        user, "orgs.view_organization", Organization.objects.filter(status=OrgStatus.ACTIVE)
    )
    return list(
        qs.filter(
            Q(name__contains=query) | Q(short_name__contains=query) | Q(code__istartswith=query)
        )
        .exclude(pk__in=listed)
        .order_by("path")[:limit]
    )


def accounts_search(user, query: str, *, limit: int = SEARCH_LIMIT):
    """Active accounts of people in the user's view, found by the person's name, pinyin or
    mobile, or by the staff number."""
    from grassroots.accounts.models import User

    query = (query or "").strip()[:40]
    if not query:
        return []
    people = objects_for(user, "orgs.view_person", Person.objects.all())
    found = people.filter(search_q(query, user)).values("pk")
    return list(
        User.objects.filter(is_active=True, person__in=people)
        .filter(Q(person__in=found) | Q(username__istartswith=query))
        .select_related("person__primary_org")
        .order_by("person__primary_org__path", "person__name_pinyin", "id")[:limit]
    )
