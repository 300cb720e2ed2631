"""Raters and codes for many subjects in one call (what a module running its own campaign uses):
the checks of the one-by-one services, each pair made once, serials numbered on from the
campaign's last even when issued at the same instant, and queries that do not grow with the
number of subjects."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core.testing import together
from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.models import Rater, Token
from grassroots.evaluations.services import campaigns as services
from grassroots.evaluations.tests.test_campaigns_support import account, draft
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import PersonFactory


@pytest.fixture
def manager(county, make_user):
    return make_user("org_dept_admin", county.root)


def with_subjects(county, manager, count: int):
    campaign = draft(
        county.justice,
        manager,
        dimensions=[("履行职责", 1)],
        groups=[("领导", 40, False), ("同事", 60, True)],
    )
    people = [PersonFactory(primary_org=county.justice) for _ in range(count)]
    subjects = services.subjects_add_people(campaign=campaign, people=people, actor=manager)
    leader, colleagues = list(campaign.groups.order_by("sort_order"))
    return campaign, subjects, leader, colleagues


def pairs(campaign) -> set[tuple]:
    return set(
        Rater.objects.filter(campaign=campaign).values_list("group_id", "user_id", "subject_id")
    )


# --- Raters ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_raters_of_many_subjects_at_once(county, manager, make_user):
    campaign, (first, second), leader, colleagues = with_subjects(county, manager, 2)
    boss, peer = account(make_user, county.justice), account(make_user, county.justice)
    made = services.raters_add_many(
        campaign=campaign,
        assignments=[
            (leader, boss, first),
            (leader, boss, second),
            (colleagues, peer, first),
            (colleagues, boss, first),  # boss already rates first: in the group given first
        ],
        actor=manager,
    )
    assert len(made) == 3
    expected = {
        (leader.pk, boss.pk, first.pk),
        (leader.pk, boss.pk, second.pk),
        (colleagues.pk, peer.pk, first.pk),
    }
    assert pairs(campaign) == expected
    again = services.raters_add_many(
        campaign=campaign, assignments=[(colleagues, peer, first)], actor=manager
    )
    assert again == [] and pairs(campaign) == expected
    assert services.raters_add_many(campaign=campaign, assignments=[], actor=manager) == []


@pytest.mark.django_db
def test_raters_at_once_keep_the_checks_of_one_by_one(county, manager, make_user):
    campaign, (first, _second), leader, _colleagues = with_subjects(county, manager, 2)
    other, (foreign,), other_leader, _ = with_subjects(county, manager, 1)
    boss = account(make_user, county.justice)
    services.raters_add_many(campaign=campaign, assignments=[(leader, boss, first)], actor=manager)
    with pytest.raises(ValidationError, match="已是部分对象的测评人"):
        services.raters_add_many(
            campaign=campaign, assignments=[(leader, boss, None)], actor=manager
        )
    with pytest.raises(ValidationError):
        services.raters_add_many(
            campaign=campaign, assignments=[(other_leader, boss, first)], actor=manager
        )
    with pytest.raises(ValidationError):
        services.raters_add_many(
            campaign=campaign, assignments=[(leader, boss, foreign)], actor=manager
        )
    gone = account(make_user, county.justice)
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError, match="已停用"):
        services.raters_add_many(
            campaign=campaign, assignments=[(leader, gone, first)], actor=manager
        )
    town_admin = make_user("committee_admin", county.town)
    with pytest.raises(PermissionDenied):
        services.raters_add_many(
            campaign=campaign, assignments=[(leader, boss, None)], actor=town_admin
        )
    assert Rater.objects.filter(campaign=campaign).count() == 1


@pytest.mark.django_db
def test_raters_outside_the_view_refused_at_once(county, make_user):
    admin = make_user("committee_admin", county.justice)
    campaign, (first,), leader, _ = with_subjects(county, admin, 1)
    stranger = account(make_user, county.community)
    with pytest.raises(ValidationError, match="不在您查看范围内"):
        services.raters_add_many(
            campaign=campaign, assignments=[(leader, stranger, first)], actor=admin
        )
    # a module that checked its own permission may name them
    made = services.raters_add_many(
        campaign=campaign,
        assignments=[(leader, stranger, first)],
        actor=admin,
        check_permission=False,
    )
    assert len(made) == 1


@pytest.mark.django_db
def test_raters_added_at_once_to_an_open_campaign_are_told(
    county, manager, make_user, django_capture_on_commit_callbacks
):
    campaign, (first, second), leader, colleagues = with_subjects(county, manager, 2)
    services.raters_add(
        campaign=campaign, group=leader, users=[account(make_user, county.justice)], actor=manager
    )
    services.tokens_issue(campaign=campaign, group=colleagues, count=1, actor=manager)
    services.campaign_open(campaign=campaign, actor=manager)
    late = account(make_user, county.justice)
    with django_capture_on_commit_callbacks(execute=True):
        services.raters_add_many(
            campaign=campaign,
            assignments=[(leader, late, first), (leader, late, second)],
            actor=manager,
        )
    assert (
        Notification.objects.filter(kind="evaluations.campaign_open", recipient=late).count() == 1
    )


@pytest.mark.django_db
def test_raters_at_once_in_constant_queries(county, manager, make_user):
    def cost(count: int) -> int:
        campaign, subjects, leader, colleagues = with_subjects(county, manager, count)
        users = [account(make_user, county.justice) for _ in subjects]
        assignments = [(leader, u, s) for u, s in zip(users, subjects, strict=True)]
        assignments += [(colleagues, u, s) for u, s in zip(users[1:], subjects, strict=False)]
        with CaptureQueriesContext(connection) as captured:
            services.raters_add_many(campaign=campaign, assignments=assignments, actor=manager)
            services.tokens_issue_per_subject(
                campaign=campaign, group=colleagues, count=3, subjects=subjects, actor=manager
            )
        return len(captured.captured_queries)

    cost(1)  # what a process caches on first use
    assert cost(2) == cost(8)


# --- Codes -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_codes_per_subject_numbered_on(county, manager):
    campaign, subjects, leader, colleagues = with_subjects(county, manager, 3)
    services.tokens_issue(campaign=campaign, group=leader, count=2, actor=manager)
    issued = services.tokens_issue_per_subject(
        campaign=campaign, group=colleagues, count=2, subjects=subjects, actor=manager
    )
    assert [(t.serial, t.subject_id) for t in issued] == [
        (3, subjects[0].pk),
        (4, subjects[0].pk),
        (5, subjects[1].pk),
        (6, subjects[1].pk),
        (7, subjects[2].pk),
        (8, subjects[2].pk),
    ]
    assert {t.group_id for t in issued} == {colleagues.pk}
    assert len(set(Token.objects.filter(campaign=campaign).values_list("code", flat=True))) == 8
    assert (
        services.tokens_issue_per_subject(
            campaign=campaign, group=colleagues, count=2, subjects=[], actor=manager
        )
        == []
    )


@pytest.mark.django_db
def test_codes_per_subject_keep_the_checks(county, manager, make_user):
    campaign, subjects, _leader, colleagues = with_subjects(county, manager, 2)
    other, (foreign,), other_leader, _ = with_subjects(county, manager, 1)
    for count in (0, services.TOKENS_MAX + 1, "x"):
        with pytest.raises(ValidationError):
            services.tokens_issue_per_subject(
                campaign=campaign, group=colleagues, count=count, subjects=subjects, actor=manager
            )
    with pytest.raises(ValidationError):
        services.tokens_issue_per_subject(
            campaign=campaign, group=other_leader, count=1, subjects=subjects, actor=manager
        )
    with pytest.raises(ValidationError):
        services.tokens_issue_per_subject(
            campaign=campaign, group=colleagues, count=1, subjects=[foreign], actor=manager
        )
    with pytest.raises(PermissionDenied):
        services.tokens_issue_per_subject(
            campaign=campaign,
            group=colleagues,
            count=1,
            subjects=subjects,
            actor=make_user("committee_admin", county.town),
        )
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    with pytest.raises(ValidationError):
        services.tokens_issue_per_subject(
            campaign=campaign, group=colleagues, count=1, subjects=subjects, actor=manager
        )
    assert not Token.objects.filter(campaign=campaign).exists()


@pytest.mark.django_db
def test_codes_per_subject_once_per_subject_and_within_a_total(county, manager, monkeypatch):
    campaign, subjects, _leader, colleagues = with_subjects(county, manager, 2)
    issued = services.tokens_issue_per_subject(
        campaign=campaign,
        group=colleagues,
        count=2,
        subjects=[*subjects, subjects[0]],
        actor=manager,
    )
    assert [t.subject_id for t in issued] == [subjects[0].pk] * 2 + [subjects[1].pk] * 2
    monkeypatch.setattr(services, "TOKENS_TOTAL_MAX", 5)
    with pytest.raises(ValidationError, match="一次最多发放 5 个"):
        services.tokens_issue_per_subject(
            campaign=campaign, group=colleagues, count=3, subjects=subjects, actor=manager
        )
    assert Token.objects.filter(campaign=campaign).count() == 4


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers; two connections at once need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_codes_per_subject_and_one_by_one_at_once_give_distinct_serials(county, manager):
    campaign, subjects, leader, colleagues = with_subjects(county, manager, 3)

    def work(index: int):
        if index % 2:
            return services.tokens_issue(campaign=campaign, group=leader, count=5, actor=manager)
        return services.tokens_issue_per_subject(
            campaign=campaign, group=colleagues, count=2, subjects=subjects, actor=manager
        )

    results = together(4, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    serials = list(Token.objects.filter(campaign=campaign).values_list("serial", flat=True))
    assert sorted(serials) == list(range(1, 2 * 5 + 2 * 6 + 1))
