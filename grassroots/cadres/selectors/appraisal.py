"""Reads of the appraisal pages: a program's rounds with each cadre's tally and decision, one
secondment's rounds as its viewer may see them, and the raters a round could not name.

Only what the evaluation engine's `tally` gives is shown (totals, per group, per dimension,
satisfaction, rank), never a ballot: the engine hides the anonymous groups until the campaign
closes, and the cadre sees their own decided result only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Rater, Subject
from grassroots.evaluations.selectors.results import SubjectResult, tally

from ..enums import SecondmentStatus
from ..models import Appraisal, AppraisalRound, Program, Secondment
from ..selectors.access import Relation
from ..services.appraisal import HOST, LEADER, RATED, SELF

# A program's cadres on its appraisal page: those rated, and those archived since.
LISTED = (*RATED, SecondmentStatus.ARCHIVED)


def rounds_of(program: Program) -> list[AppraisalRound]:
    return list(
        AppraisalRound.objects.filter(program=program).select_related("campaign").order_by("id")
    )


def campaign_links(campaign) -> dict[str, str]:
    """The evaluation engine's pages of a campaign, for officers (empty while the engine's pages
    are not installed)."""
    return {
        key: reverse(name, args=[campaign.pk])
        for key, name in (
            ("detail", "evaluations:campaign_detail"),
            ("results", "evaluations:campaign_results"),
            ("tokens", "evaluations:token_sheet"),
        )
    }


@dataclass
class RoundView:
    """One round as a viewer of one secondment sees it."""

    round: AppraisalRound
    appraisal: Appraisal | None = None
    result: SubjectResult | None = None  # the tally, for officers only
    show_tally: bool = False
    links: dict = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.round.campaign.status == CampaignStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.round.campaign.status == CampaignStatus.CLOSED


def secondment_rounds(secondment: Secondment, rel: Relation) -> list[RoundView]:
    """The rounds of the secondment's program: officers get the cadre's tally beside the
    decision; the cadre and their leaders get the decided result only."""
    rounds = rounds_of(secondment.program)
    if not rounds:
        return []
    decided = {
        a.round_id: a
        for a in Appraisal.objects.filter(secondment=secondment, round__in=rounds).select_related(
            "decided_by"
        )
    }
    subjects = {}
    if rel.is_officer:
        subjects = {
            s.campaign_id: s
            for s in Subject.objects.filter(
                campaign__in=[r.campaign_id for r in rounds], person_id=secondment.person_id
            )
        }
    views = []
    for r in rounds:
        view = RoundView(round=r, appraisal=decided.get(r.pk))
        if rel.is_officer:
            view.show_tally = True
            view.links = campaign_links(r.campaign)
            subject = subjects.get(r.campaign_id)
            if subject is not None and "tokens" in view.links:
                # This cadre's codes only, not the whole batch's.
                view.links["tokens"] += f"?subject={subject.pk}"
            if subject is not None:
                rows = tally(r.campaign, subjects=[subject.pk]).subjects
                view.result = rows[0] if rows else None
        views.append(view)
    return views


@dataclass
class ProgramRow:
    secondment: Secondment
    cells: list = field(default_factory=list)  # per round: (SubjectResult | None, Appraisal | None)


@dataclass
class ProgramAppraisal:
    rounds: list[AppraisalRound]  # each with `links` (the engine's pages) and `missing`
    rows: list[ProgramRow]


def program_appraisal(program: Program) -> ProgramAppraisal:
    """A program's rounds with every cadre's total, rank and decision: a few queries per round
    whatever the number of cadres (the caller checks the officer may see the program). Each
    round gets `links` to the engine's pages and `missing`, the raters it could not name."""
    rounds = rounds_of(program)
    secondments = list(
        Secondment.objects.filter(program=program, status__in=LISTED)
        .select_related("person", "post__host", "host_leader", "group__leader")
        .order_by("post__sort_order", "post_id", "id")
    )
    decided = {(a.round_id, a.secondment_id): a for a in Appraisal.objects.filter(round__in=rounds)}
    results = {}
    for r in rounds:
        for row in tally(r.campaign).subjects:
            if row.subject.person_id:
                results[(r.pk, row.subject.person_id)] = row
        r.links = campaign_links(r.campaign)
        r.missing = missing_raters(r, secondments)
    rows = [
        ProgramRow(
            secondment=s,
            cells=[(results.get((r.pk, s.person_id)), decided.get((r.pk, s.pk))) for r in rounds],
        )
        for s in secondments
    ]
    return ProgramAppraisal(rounds=rounds, rows=rows)


def missing_raters(round: AppraisalRound, secondments: list[Secondment]) -> list[tuple]:
    """The cadres of a round whose self, host leader or group leader is not a rater (no
    account, or no host leader set), each with the roles missing."""
    subjects = dict(
        Subject.objects.filter(campaign_id=round.campaign_id).values_list("person_id", "pk")
    )
    present = set(
        Rater.objects.filter(campaign_id=round.campaign_id).values_list(
            "subject_id", "group__sort_order"
        )
    )
    found = []
    for s in secondments:
        subject_id = subjects.get(s.person_id)
        if subject_id is None:
            continue
        lacking = []
        if (subject_id, SELF) not in present:
            lacking.append(_("本人（%(name)s）无账号") % {"name": s.person.name})
        if (subject_id, HOST) not in present:
            if s.host_leader_id is None:
                lacking.append(_("未指定接收单位领导"))
            else:
                lacking.append(_("接收单位领导（%(name)s）无账号") % {"name": s.host_leader.name})
        leader = s.group.leader if s.group_id else None
        # A group leader who is also the cadre, or the host leader, rates once, in that role.
        if (
            leader is not None
            and leader.pk not in (s.person_id, s.host_leader_id)
            and (subject_id, LEADER) not in present
        ):
            lacking.append(_("组长（%(name)s）无账号") % {"name": leader.name})
        if leader is None:
            lacking.append(_("未分组"))
        if lacking:
            found.append((s, lacking))
    return found
