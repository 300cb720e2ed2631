"""Helpers of the campaign setup tests (no tests here): a manager, accounts of people, and a
campaign made ready to open through the services."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from grassroots.evaluations.enums import ScaleKind, SubjectKind
from grassroots.evaluations.services import campaigns as services
from grassroots.orgs.tests.factories import PersonFactory


def account(make_user, organization, role=None, role_org=None):
    """A person of `organization` with an account (and `role` on `role_org`, if given)."""
    person = PersonFactory(primary_org=organization)
    if role:
        return make_user(role, role_org or organization, person=person)
    return make_user(person=person)


def window(days: int = 7):
    now = timezone.now()
    return {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=days)}


def draft(organization, actor, **extra):
    values = {
        "title": "2026年度科级干部民主测评",
        "subject_kind": SubjectKind.PERSON,
        "scale_kind": ScaleKind.GRADES,
        **window(),
        **extra,
    }
    return services.campaign_create(organization=organization, actor=actor, **values)


def ready(organization, actor, make_user, *, tokens: int = 0) -> SimpleNamespace:
    """A draft that may open: two people as subjects, two dimensions, groups 领导 40 (named,
    one rater) and 群众 60 (anonymous, `tokens` codes, or one rater when none)."""
    campaign = draft(
        organization,
        actor,
        dimensions=[("履行职责", 1), ("廉洁自律", 1)],
        groups=[("领导", 40, False), ("群众", 60, True)],
    )
    people = [PersonFactory(primary_org=organization) for _ in range(2)]
    subjects = services.subjects_add_people(campaign=campaign, people=people, actor=actor)
    leader, public = list(campaign.groups.order_by("sort_order"))
    boss = account(make_user, organization)
    services.raters_add(campaign=campaign, group=leader, users=[boss], actor=actor)
    rater2 = None
    if tokens:
        services.tokens_issue(campaign=campaign, group=public, count=tokens, actor=actor)
    else:
        rater2 = account(make_user, organization)
        services.raters_add(campaign=campaign, group=public, users=[rater2], actor=actor)
    return SimpleNamespace(
        campaign=campaign,
        subjects=subjects,
        leader=leader,
        public=public,
        boss=boss,
        rater2=rater2,
        people=people,
    )
