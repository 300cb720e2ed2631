"""Reads of voting: the campaigns an account rates with what is left to do, the sheet of one
campaign for an account, and what a token may rate. Each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from ..enums import CampaignStatus
from ..models import Ballot, Campaign, Dimension, Rater, Receipt, ScaleLevel, Subject, Token
from ..services.ballots import check_open, token_refusal


@dataclass
class SheetItem:
    """One subject on an account's sheet: the rater row it is rated through, whether it is
    done, and (in a named group) the ballot that may still be revised."""

    subject: Subject
    rater: Rater
    done: bool = False
    ballot: Ballot | None = None
    answers: dict[int, int] = field(default_factory=dict)

    @property
    def anonymous(self) -> bool:
        return self.rater.group.anonymous

    @property
    def editable(self) -> bool:
        return not self.done or self.ballot is not None


@dataclass
class MyCampaign:
    campaign: Campaign
    items: list[SheetItem]
    started: bool

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def finished(self) -> bool:
        return self.done_count == len(self.items)


def _items(raters: list[Rater], subjects_by_campaign: dict, done: set) -> list[SheetItem]:
    """The subjects each rater row covers, a row for one subject winning over a row for all."""
    chosen: dict[int, SheetItem] = {}
    for rater in sorted(raters, key=lambda r: r.subject_id is not None):
        covered = (
            [rater.subject] if rater.subject_id else subjects_by_campaign.get(rater.campaign_id, [])
        )
        for subject in covered:
            chosen[subject.pk] = SheetItem(
                subject=subject, rater=rater, done=(rater.pk, subject.pk) in done
            )
    return sorted(chosen.values(), key=lambda i: (i.subject.sort_order, i.subject.pk))


def _load(user, campaigns_q) -> tuple[list[Rater], dict, set]:
    raters = list(
        Rater.objects.filter(user=user, **campaigns_q).select_related(
            "campaign", "group", "subject"
        )
    )
    everyone = {r.campaign_id for r in raters if r.subject_id is None}
    subjects: dict[int, list[Subject]] = {}
    if everyone:
        for subject in Subject.objects.filter(campaign_id__in=everyone):
            subjects.setdefault(subject.campaign_id, []).append(subject)
    done = set()
    if raters:
        done = set(
            Receipt.objects.filter(rater__in=[r.pk for r in raters]).values_list(
                "rater_id", "subject_id"
            )
        )
    return raters, subjects, done


def my_campaigns(user) -> list[MyCampaign]:
    """The open campaigns the user rates, each with its subjects done or not (from the user's
    own receipts). Three queries whatever the number of campaigns and subjects."""
    if not user.is_authenticated:
        return []
    raters, subjects, done = _load(user, {"campaign__status": CampaignStatus.OPEN})
    now = timezone.now()
    by_campaign: dict[int, list[Rater]] = {}
    for rater in raters:
        if rater.campaign.closes_at > now:
            by_campaign.setdefault(rater.campaign_id, []).append(rater)
    rows = [
        MyCampaign(
            campaign=group[0].campaign,
            items=_items(group, subjects, done),
            started=group[0].campaign.opens_at <= now,
        )
        for group in by_campaign.values()
    ]
    rows.sort(key=lambda row: (row.campaign.closes_at, row.campaign.pk))
    return rows


@dataclass
class Sheet:
    campaign: Campaign
    items: list[SheetItem]
    dimensions: list[Dimension]
    levels: list[ScaleLevel]
    error: str = ""

    @property
    def editable_items(self) -> list[SheetItem]:
        return [item for item in self.items if item.editable]


def ballot_form_for(user, campaign) -> Sheet:
    """The sheet of one campaign for an account: its subjects (done, to do, or revisable in a
    named group with the answers given), the dimensions and levels. 404 for a campaign the
    user does not rate; `error` says why no vote is possible now. `campaign`: one or its id."""
    campaign_pk = campaign.pk if isinstance(campaign, Campaign) else campaign
    campaign = Campaign.objects.filter(pk=campaign_pk).first()
    if campaign is None or not user.is_authenticated:
        raise Http404
    raters, subjects, done = _load(user, {"campaign": campaign})
    if not raters or campaign.status in (CampaignStatus.DRAFT, CampaignStatus.CANCELLED):
        raise Http404
    items = _items(raters, subjects, done)
    named = [item for item in items if item.done and not item.anonymous]
    if named:
        ballots = Ballot.objects.filter(
            campaign=campaign, rater__in={item.rater.pk for item in named}
        ).prefetch_related(Prefetch("scores"))
        by_key = {(b.rater_id, b.subject_id): b for b in ballots}
        for item in named:
            item.ballot = by_key.get((item.rater.pk, item.subject.pk))
            if item.ballot is not None:
                item.answers = {s.dimension_id: s.level_id for s in item.ballot.scores.all()}
    error = ""
    try:
        check_open(campaign)
    except ValidationError as exc:
        error = exc.messages[0]
    return Sheet(
        campaign=campaign,
        items=items,
        dimensions=list(Dimension.objects.filter(campaign=campaign)),
        levels=list(ScaleLevel.objects.filter(campaign=campaign)),
        error=error,
    )


@dataclass
class TokenSheet:
    token: Token
    campaign: Campaign
    subjects: list[Subject]
    dimensions: list[Dimension]
    levels: list[ScaleLevel]


def token_sheet(code: str) -> TokenSheet:
    """What a token may rate now; a ValidationError with the reason when it may rate nothing
    (unknown, revoked, used, campaign not open)."""
    token = (
        Token.objects.filter(code=(code or "").strip())
        .select_related("campaign", "group", "subject")
        .first()
    )
    token_refusal(token)
    campaign = token.campaign
    check_open(campaign)
    if token.subject_id:
        subjects = [token.subject]
    else:
        subjects = list(Subject.objects.filter(campaign=campaign))
    return TokenSheet(
        token=token,
        campaign=campaign,
        subjects=subjects,
        dimensions=list(Dimension.objects.filter(campaign=campaign)),
        levels=list(ScaleLevel.objects.filter(campaign=campaign)),
    )
