"""Results of a campaign (测评结果), computed from a few grouped aggregates, never from the
ballots one by one.

For each subject, group and dimension: the average points and the count of answers (from
`Score`, index score_tally). A group's score is the dimensions' averages weighted by the
dimensions' weights; a subject's total is the groups' scores weighted by the groups' weights,
over the groups that have ballots for it. The satisfaction rate is the answers counted as
satisfied (好, 较好) over all valid answers. Turnout per group: the voters (receipts of distinct
raters and tokens) over the eligible (accounts named as raters and tokens not revoked).

While a campaign is not closed, the scores of anonymous groups, and every total that would
include them, stay hidden (only turnout is shown), so nobody watches a score move as a
rater votes. The comments written on the ballots (意见建议) are listed per subject under the
same rule, with nothing that names their rater and in no order of voting.

Other apps call `tally(campaign)` and `subject_result(campaign, subject)`; nothing here knows
them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Prefetch, Q, Sum

from grassroots.core.permissions import access

from ..enums import CampaignStatus
from ..models import Ballot, Campaign, Dimension, Rater, RaterGroup, Receipt, Score, Subject, Token

VIEW = "evaluations.view_campaign"
MANAGE = "evaluations.manage_campaign"
CENT = Decimal("0.01")


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(part: int, whole: int) -> Decimal | None:
    """A percentage with two decimals (87.50), None without anything to count."""
    return _round(Decimal(part) * 100 / whole) if whole else None


@dataclass
class DimensionResult:
    dimension: Dimension
    answers: int = 0
    points: Decimal = Decimal(0)
    satisfied: int = 0

    @property
    def average(self) -> Decimal | None:
        return _round(self.points / self.answers) if self.answers else None

    @property
    def satisfaction(self) -> Decimal | None:
        return _rate(self.satisfied, self.answers)


@dataclass
class GroupResult:
    group: RaterGroup
    hidden: bool
    ballots: int = 0
    dimensions: list[DimensionResult] = field(default_factory=list)

    @cached_property
    def score(self) -> Decimal | None:
        """Σ w_d · average_d / Σ w_d over the dimensions answered (unrounded averages);
        computed once, after the tally has filled the dimensions."""
        if self.hidden:
            return None
        weighted = Decimal(0)
        weights = Decimal(0)
        for cell in self.dimensions:
            if cell.answers:
                weighted += cell.dimension.weight * cell.points / cell.answers
                weights += cell.dimension.weight
        return weighted / weights if weights else None

    @property
    def score_display(self) -> Decimal | None:
        return _round(self.score)


@dataclass
class SubjectResult:
    subject: Subject
    groups: list[GroupResult]
    dimensions: list[DimensionResult]  # over the groups shown
    hidden: bool  # some group's scores are hidden, so the total is too
    rank: int | None = None
    of: int = 0  # subjects ranked

    @property
    def ballots(self) -> int:
        return sum(g.ballots for g in self.groups)

    @property
    def missing_groups(self) -> list[RaterGroup]:
        """Groups (shown) without a ballot on this subject: left out of the total."""
        return [g.group for g in self.groups if not g.hidden and not g.ballots]

    @cached_property
    def total_exact(self) -> Decimal | None:
        if self.hidden:
            return None
        weighted = Decimal(0)
        weights = Decimal(0)
        for g in self.groups:
            score = g.score
            if score is not None and g.group.weight > 0:
                weighted += g.group.weight * score
                weights += g.group.weight
        return weighted / weights if weights else None

    @cached_property
    def total(self) -> Decimal | None:
        return _round(self.total_exact)

    @property
    def satisfaction(self) -> Decimal | None:
        if self.hidden:
            return None
        return _rate(
            sum(d.satisfied for d in self.dimensions), sum(d.answers for d in self.dimensions)
        )


@dataclass
class Turnout:
    group: RaterGroup
    voters: int
    eligible: int

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.voters, self.eligible)


@dataclass
class CampaignResult:
    campaign: Campaign
    revealed: bool
    dimensions: list[Dimension]
    groups: list[RaterGroup]
    subjects: list[SubjectResult]
    turnout: list[Turnout]

    @property
    def hidden_groups(self) -> list[RaterGroup]:
        return [g for g in self.groups if g.anonymous and not self.revealed]

    @property
    def voters(self) -> int:
        return sum(t.voters for t in self.turnout)

    @property
    def eligible(self) -> int:
        return sum(t.eligible for t in self.turnout)

    @property
    def turnout_rate(self) -> Decimal | None:
        return _rate(self.voters, self.eligible)


def revealed(campaign: Campaign) -> bool:
    """Anonymous groups' scores are shown once the campaign is closed."""
    return campaign.status == CampaignStatus.CLOSED


def _turnout(campaign: Campaign, groups: list[RaterGroup]) -> list[Turnout]:
    voters = {
        row["group"]: row["raters"] + row["tokens"]
        for row in Receipt.objects.filter(campaign=campaign)
        .values("group")
        .annotate(raters=Count("rater__user", distinct=True), tokens=Count("token", distinct=True))
    }
    accounts = {
        row["group"]: row["n"]
        for row in Rater.objects.filter(campaign=campaign)
        .values("group")
        .annotate(n=Count("user", distinct=True))
    }
    tokens = {
        row["group"]: row["n"]
        for row in Token.objects.filter(campaign=campaign)
        .filter(Q(revoked=False) | Q(used=True))
        .values("group")
        .annotate(n=Count("pk"))
    }
    return [
        Turnout(
            group=g,
            voters=voters.get(g.pk, 0),
            eligible=accounts.get(g.pk, 0) + tokens.get(g.pk, 0),
        )
        for g in groups
    ]


def tally(campaign: Campaign, *, subjects=None) -> CampaignResult:
    """The whole result of a campaign in seven queries, whatever the number of subjects and
    ballots. `subjects` (ids) limits the rows returned, never the ranking. (Computed on each
    call: for 1,000 subjects and 100,000 ballots that costs less than unpickling a cached
    result would.)"""
    result = _tally(campaign)
    if subjects is not None:
        wanted = {int(pk) for pk in subjects}
        result = dataclasses.replace(
            result, subjects=[r for r in result.subjects if r.subject.pk in wanted]
        )
    return result


def _tally(campaign: Campaign) -> CampaignResult:
    is_revealed = revealed(campaign)
    dimensions = list(Dimension.objects.filter(campaign=campaign))
    groups = list(RaterGroup.objects.filter(campaign=campaign))
    # The label was copied from the name: no join to the person (a thousand Person objects
    # cost more than the aggregate itself).
    all_subjects = list(Subject.objects.filter(campaign=campaign))
    shown = [g.pk for g in groups if is_revealed or not g.anonymous]  # as shown_groups()
    # (subject, group, dimension) -> (answers, points, satisfied answers), as plain tuples
    cells: dict[tuple[int, int, int], tuple] = {
        (subject_id, group_id, dimension_id): (n, points, ok)
        for subject_id, group_id, dimension_id, n, points, ok in Score.objects.filter(
            campaign=campaign, group__in=shown
        )
        .values("subject", "group", "dimension")
        .annotate(n=Count("pk"), points_sum=Sum("points"), ok=Count("pk", filter=Q(satisfied=True)))
        .values_list("subject", "group", "dimension", "n", "points_sum", "ok")
        .order_by()
    }
    # A ballot answers every dimension (the services refuse one that does not), so the ballots
    # of a subject and group are the answers to any one dimension: no second pass over them.
    ballots: dict[tuple[int, int], int] = {}
    for (subject_id, group_id, _dimension_id), (n, _points, _ok) in cells.items():
        key = (subject_id, group_id)
        ballots[key] = max(ballots.get(key, 0), n)
    hidden_any = any(g.pk not in shown for g in groups)
    results = []
    for subject in all_subjects:
        group_results = []
        overall = {d.pk: DimensionResult(dimension=d) for d in dimensions}
        for group in groups:
            hidden = group.pk not in shown
            result = GroupResult(group=group, hidden=hidden)
            if not hidden:
                result.ballots = ballots.get((subject.pk, group.pk), 0)
                for d in dimensions:
                    row = cells.get((subject.pk, group.pk, d.pk))
                    cell = DimensionResult(dimension=d)
                    if row:
                        cell.answers, cell.points, cell.satisfied = row
                        total = overall[d.pk]
                        total.answers += cell.answers
                        total.points += cell.points
                        total.satisfied += cell.satisfied
                    result.dimensions.append(cell)
            group_results.append(result)
        results.append(
            SubjectResult(
                subject=subject,
                groups=group_results,
                dimensions=list(overall.values()),
                hidden=hidden_any,
            )
        )
    _rank(results)
    return CampaignResult(
        campaign=campaign,
        revealed=is_revealed,
        dimensions=dimensions,
        groups=groups,
        subjects=results,
        turnout=_turnout(campaign, groups),
    )


def _rank(results: list[SubjectResult]) -> None:
    """Rank 1 for the highest total (rounded to the cent); equal totals share a rank and the
    next rank skips (1, 1, 3). Subjects without a total have no rank and come last."""
    ranked = [r for r in results if r.total is not None]
    ranked.sort(key=lambda r: r.total, reverse=True)
    previous = None
    for position, result in enumerate(ranked, start=1):
        if previous is not None and result.total == previous.total:
            result.rank = previous.rank
        else:
            result.rank = position
        result.of = len(ranked)
        previous = result
    for result in results:
        result.of = len(ranked)


def ordered(result: CampaignResult) -> list[SubjectResult]:
    """The subjects by rank, then in their order."""
    return sorted(
        result.subjects,
        key=lambda r: (r.rank is None, r.rank or 0, r.subject.sort_order, r.subject.pk),
    )


def subject_result(campaign: Campaign, subject: Subject) -> SubjectResult | None:
    """One subject's result (its groups, dimensions, total, satisfaction and rank among all
    the campaign's subjects), with the same rule on hidden anonymous groups: what another app
    shows beside its own record (a cadre's appraisal beside the decision). The caller checks
    that its user may see it."""
    if subject.campaign_id != campaign.pk:
        return None
    rows = tally(campaign, subjects=[subject.pk]).subjects
    return rows[0] if rows else None


@dataclass(frozen=True)
class Comment:
    group: RaterGroup
    text: str


@dataclass
class SubjectComments:
    subject: Subject
    comments: list[Comment]


def shown_groups(result: CampaignResult) -> list[RaterGroup]:
    """The groups whose content is shown: the named ones, and the anonymous ones once the
    campaign is closed."""
    return [g for g in result.groups if result.revealed or not g.anonymous]


def subject_comments(result: CampaignResult, rows: list[SubjectResult]) -> list[SubjectComments]:
    """The comments (意见建议) written on the ballots of the subjects of `rows`, in one query,
    for those of `rows` that have any, in the order of `rows`. Within a subject they are listed
    group by group in the groups' order and by their text within a group: no rater, token or
    ballot key is read, and nothing follows the order in which the ballots were cast. The
    comments of anonymous groups are left out until the campaign is closed, as their scores
    are."""
    groups = {g.pk: g for g in shown_groups(result)}
    if not rows or not groups:
        return []
    ballots = Ballot.objects.filter(campaign=result.campaign, group_id__in=list(groups))
    ids = {row.subject.pk for row in rows}
    if len(ids) < len(result.subjects):  # a page of them; all of them need no list of ids
        ballots = ballots.filter(subject_id__in=ids)
    texts: dict[int, list[tuple]] = {}
    for subject_id, group_id, text in (
        ballots.exclude(comment="").values_list("subject_id", "group_id", "comment").order_by()
    ):
        text = text.strip()
        if text and subject_id in ids:
            group = groups[group_id]
            texts.setdefault(subject_id, []).append((group.sort_order, group.pk, text))
    return [
        SubjectComments(
            subject=row.subject,
            comments=[
                Comment(group=groups[group_id], text=text)
                for _order, group_id, text in sorted(texts[row.subject.pk])
            ],
        )
        for row in rows
        if row.subject.pk in texts
    ]


def access_results(user, pk) -> Campaign:
    """A campaign whose results the user may see (view_campaign on its organization), or 404."""
    return access(
        user, VIEW, Campaign.objects.select_related("organization").exclude(status="draft"), pk
    )


def access_named_ballots(user, pk) -> Campaign:
    """A campaign whose named ballots the user may list (manage_campaign on its organization)."""
    return access(
        user, MANAGE, Campaign.objects.select_related("organization").exclude(status="draft"), pk
    )


@dataclass
class NamedBallot:
    ballot: Ballot
    levels: list[str]  # the labels chosen, in the order of the dimensions


def named_ballots(campaign: Campaign) -> list[NamedBallot]:
    """The ballots of the named groups, each with its rater: never a ballot of an anonymous
    group (those have no rater to list). Three queries."""
    dimensions = list(Dimension.objects.filter(campaign=campaign).values_list("pk", flat=True))
    ballots = (
        Ballot.objects.filter(campaign=campaign, rater__isnull=False, group__anonymous=False)
        .select_related("rater__user__person", "subject", "group")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("level")))
        .order_by("group__sort_order", "group_id", "rater__user__username", "subject__sort_order")
    )
    rows = []
    for ballot in ballots:
        chosen = {score.dimension_id: score.level.label for score in ballot.scores.all()}
        rows.append(NamedBallot(ballot=ballot, levels=[chosen.get(d, "") for d in dimensions]))
    return rows
