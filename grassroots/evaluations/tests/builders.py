"""Campaigns built directly with the ORM for the voting and results tests (no tests here)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import (
    Campaign,
    Dimension,
    Rater,
    RaterGroup,
    ScaleLevel,
    Subject,
    Token,
)
from grassroots.evaluations.services import ballots
from grassroots.orgs.tests.factories import PersonFactory

GRADES = (("好", 100, True), ("较好", 80, True), ("一般", 60, False), ("差", 40, False))


def build_campaign(
    organization,
    *,
    subjects: int = 2,
    dimensions=(("履行职责", 1), ("服务态度", 1)),
    groups=(("领导", 40, False), ("群众", 60, True)),
    raters: dict | None = None,
    tokens: dict | None = None,
    status: str = CampaignStatus.OPEN,
    opens_at=None,
    closes_at=None,
    title: str = "2026年度民主测评",
) -> SimpleNamespace:
    """A campaign of `organization` with `subjects` people, the dimensions (name, weight), the
    default grades 好100/较好80/一般60/差40 (好 and 较好 satisfied), the groups (name, weight,
    anonymous), named raters {group name: [user or (user, subject index)]} and tokens
    {group name: count, or a list of subject indexes (None: every subject)}."""
    now = timezone.now()
    opens_at = opens_at or now - timedelta(hours=1)
    campaign = Campaign.objects.create(
        organization=organization,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at or opens_at + timedelta(days=3),
        status=status,
    )
    people = [PersonFactory(primary_org=organization) for _ in range(subjects)]
    subject_rows = Subject.objects.bulk_create(
        [
            Subject(campaign=campaign, person=p, label=f"对象{i + 1}{p.name}", sort_order=i)
            for i, p in enumerate(people)
        ]
    )
    dims = [
        Dimension.objects.create(campaign=campaign, name=name, weight=weight, sort_order=i)
        for i, (name, weight) in enumerate(dimensions)
    ]
    levels = {
        label: ScaleLevel.objects.create(
            campaign=campaign, label=label, points=points, satisfied=ok, sort_order=i
        )
        for i, (label, points, ok) in enumerate(GRADES)
    }
    group_rows = {
        name: RaterGroup.objects.create(
            campaign=campaign, name=name, weight=weight, anonymous=anonymous, sort_order=i
        )
        for i, (name, weight, anonymous) in enumerate(groups)
    }
    rater_rows: dict = {}
    for name, users in (raters or {}).items():
        for entry in users:
            user, index = entry if isinstance(entry, tuple) else (entry, None)
            rater_rows.setdefault(name, []).append(
                Rater.objects.create(
                    campaign=campaign,
                    group=group_rows[name],
                    user=user,
                    subject=subject_rows[index] if index is not None else None,
                )
            )
    token_rows: dict = {}
    serial = 0
    for name, spec in (tokens or {}).items():
        indexes = [None] * spec if isinstance(spec, int) else spec
        for index in indexes:
            serial += 1
            token_rows.setdefault(name, []).append(
                Token.objects.create(
                    campaign=campaign,
                    group=group_rows[name],
                    subject=subject_rows[index] if index is not None else None,
                    serial=serial,
                    code=secrets.token_urlsafe(9),
                )
            )
    return SimpleNamespace(
        campaign=campaign,
        subjects=subject_rows,
        dimensions=dims,
        levels=levels,
        groups=group_rows,
        raters=rater_rows,
        tokens=token_rows,
    )


def answers(built, *labels) -> dict[int, int]:
    """{dimension id: level id}: the labels in the order of the dimensions (one label: all)."""
    if len(labels) == 1:
        labels = labels * len(built.dimensions)
    return {d.pk: built.levels[label].pk for d, label in zip(built.dimensions, labels, strict=True)}


def sheet(built, *labels, subjects=None) -> dict[int, dict[int, int]]:
    """{subject id: answers} for every subject (or those given)."""
    return {s.pk: answers(built, *labels) for s in (subjects or built.subjects)}


def closed_with_votes(county, make_user, subjects=2, *, comments: bool = False):
    """A closed campaign where a named rater (好) and a code (较好) voted on every subject; with
    `comments`, each wrote one on every subject."""
    leader = make_user()
    built = build_campaign(
        county.justice, subjects=subjects, raters={"领导": [leader]}, tokens={"群众": 1}
    )
    for subject in built.subjects:
        ballots.ballot_cast(
            campaign=built.campaign,
            subject=subject,
            answers=answers(built, "好"),
            comment=f"领导对{subject.label}的意见" if comments else "",
            rater=built.raters["领导"][0],
            actor=leader,
        )
    ballots.token_ballot_cast(
        code=built.tokens["群众"][0].code,
        answers=sheet(built, "较好"),
        comments={s.pk: f"群众对{s.label}的意见" for s in built.subjects} if comments else {},
    )
    built.campaign.status = CampaignStatus.CLOSED
    built.campaign.save()
    return built
