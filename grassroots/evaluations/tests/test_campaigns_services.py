"""The campaign setup services: creating with the default scale, editing while a draft, the
moves and what opening checks, subjects, raters and tokens, each allowed and refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.evaluations.enums import CampaignStatus, ScaleKind, SubjectKind
from grassroots.evaluations.models import Campaign, Receipt, ScaleLevel, Subject, Token
from grassroots.evaluations.services import campaigns as services
from grassroots.evaluations.tests.test_campaigns_support import account, draft, ready, window
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import PersonFactory


@pytest.fixture
def manager(county, make_user):
    return make_user("org_dept_admin", county.root)


@pytest.fixture
def town_admin(county, make_user):
    return make_user("committee_admin", county.town)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


# --- Creating and editing ----------------------------------------------------------------------


def test_create_makes_the_default_grades(county, manager):
    campaign = draft(county.justice, manager)
    levels = list(campaign.levels.order_by("sort_order"))
    assert [(lv.label, lv.points, lv.satisfied) for lv in levels] == [
        ("好", Decimal(100), True),
        ("较好", Decimal(80), True),
        ("一般", Decimal(60), False),
        ("差", Decimal(40), False),
    ]
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.created_by == manager
    assert not campaign.dimensions.exists() and not campaign.groups.exists()


def test_create_a_score_scale_with_dimensions_and_groups(county, manager):
    campaign = draft(
        county.justice,
        manager,
        scale_kind=ScaleKind.SCORE,
        dimensions=[("履行职责", 2), ("服务态度", 1)],
        groups=[("领导", 30, False), ("群众", 70)],
        anonymous=True,
    )
    levels = {int(lv.points): lv.satisfied for lv in campaign.levels.all()}
    assert sorted(levels) == list(range(1, 11))
    assert [p for p, sat in levels.items() if sat] == [10, 9, 8]
    assert list(campaign.dimensions.values_list("name", "weight")) == [
        ("履行职责", Decimal(2)),
        ("服务态度", Decimal(1)),
    ]
    assert list(campaign.groups.values_list("name", "anonymous")) == [
        ("领导", False),
        ("群众", True),
    ]


def test_create_refused_without_permission_or_outside_the_scope(county, make_user, town_admin):
    member = make_user()
    with pytest.raises(PermissionDenied):
        draft(county.justice, member)
    with pytest.raises(PermissionDenied):
        draft(county.justice, town_admin)
    assert draft(county.community, town_admin).pk


def test_create_for_another_module_without_the_check(county, make_user):
    officer = make_user()
    campaign = draft(county.justice, officer, check_permission=False, source="cadres")
    assert campaign.source == "cadres"


def test_create_refuses_a_window_backwards_and_saves_nothing(county, manager):
    times = window()
    with pytest.raises(ValidationError) as exc:
        draft(county.justice, manager, opens_at=times["closes_at"], closes_at=times["opens_at"])
    assert "截止时间必须晚于开始时间" in messages(exc)
    assert not Campaign.objects.exists() and not ScaleLevel.objects.exists()


def test_draft_edit_and_new_scale_kind_resets_levels(county, manager):
    campaign = draft(county.justice, manager)
    services.campaign_update(
        campaign=campaign, actor=manager, title="新的名称", scale_kind=ScaleKind.SCORE
    )
    campaign.refresh_from_db()
    assert campaign.title == "新的名称"
    assert campaign.levels.count() == 10


def test_subject_kind_fixed_once_subjects_listed(county, manager):
    campaign = draft(county.justice, manager)
    services.subjects_add_people(
        campaign=campaign, people=[PersonFactory(primary_org=county.branch1)], actor=manager
    )
    with pytest.raises(ValidationError):
        services.campaign_update(
            campaign=campaign, actor=manager, subject_kind=SubjectKind.ORGANIZATION
        )


def test_open_campaign_only_extends_its_deadline(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    campaign = services.campaign_open(campaign=setup.campaign, actor=manager)
    later = campaign.closes_at + timedelta(days=2)
    services.campaign_update(campaign=campaign, actor=manager, closes_at=later)
    campaign.refresh_from_db()
    assert campaign.closes_at == later
    with pytest.raises(ValidationError) as exc:
        services.campaign_update(
            campaign=campaign, actor=manager, closes_at=later - timedelta(days=1)
        )
    assert "只能延后" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.campaign_update(campaign=campaign, actor=manager, title="改名")
    assert "只能延长截止时间" in messages(exc)


# --- Moves ----------------------------------------------------------------------------------------


def test_open_notifies_named_raters_after_commit(
    county, manager, make_user, django_capture_on_commit_callbacks
):
    setup = ready(county.justice, manager, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = services.campaign_open(campaign=setup.campaign, actor=manager)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN
    notes = Notification.objects.filter(kind="evaluations.campaign_open")
    assert {n.recipient_id for n in notes} == {setup.boss.pk, setup.rater2.pk}
    assert setup.campaign.title in notes[0].title


def test_open_lists_every_problem(county, manager):
    campaign = draft(county.justice, manager)
    with pytest.raises(ValidationError) as exc:
        services.campaign_open(campaign=campaign, actor=manager)
    text = messages(exc)
    assert "请至少添加一个测评对象" in text
    assert "请至少添加一个测评维度" in text
    assert "请至少添加一个测评人类别" in text
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_open_refused_when_weights_do_not_make_100(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    services.group_update(group=setup.public, name="群众", weight=50, anonymous=True, actor=manager)
    with pytest.raises(ValidationError) as exc:
        services.campaign_open(campaign=setup.campaign, actor=manager)
    assert "权重合计应为 100%，目前为 90%" in messages(exc)


def test_open_refused_when_a_group_has_no_rater(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    services.rater_remove(rater=setup.campaign.raters.get(user=setup.rater2), actor=manager)
    with pytest.raises(ValidationError) as exc:
        services.campaign_open(campaign=setup.campaign, actor=manager)
    assert "测评人类别“群众”还没有测评人或测评码" in messages(exc)


def test_tokens_count_as_raters_of_a_group(county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=3)
    assert services.campaign_open(campaign=setup.campaign, actor=manager).status == "open"


def test_open_refused_after_the_deadline(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    later = setup.campaign.closes_at + timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        services.campaign_open(campaign=setup.campaign, actor=manager, now=later)
    assert "截止时间已过" in messages(exc)


def test_moves_refused_without_permission(county, manager, make_user, town_admin):
    setup = ready(county.justice, manager, make_user)
    viewer = make_user("discipline_inspector", county.root)
    for actor in (viewer, town_admin, make_user()):
        for move in (services.campaign_open, services.campaign_cancel):
            with pytest.raises(PermissionDenied):
                move(campaign=setup.campaign, actor=actor)
    assert Campaign.objects.get(pk=setup.campaign.pk).status == CampaignStatus.DRAFT


def test_close_and_cancel_follow_the_transitions(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    campaign = setup.campaign
    with pytest.raises(ValidationError) as exc:
        services.campaign_close(campaign=campaign, actor=manager)
    assert "筹备中" in messages(exc)
    services.campaign_open(campaign=campaign, actor=manager)
    with pytest.raises(ValidationError):
        services.campaign_open(campaign=campaign, actor=manager)
    closed = services.campaign_close(campaign=campaign, actor=manager)
    assert closed.status == CampaignStatus.CLOSED and closed.closed_at is not None
    for move in (services.campaign_open, services.campaign_close, services.campaign_cancel):
        with pytest.raises(ValidationError):
            move(campaign=campaign, actor=manager)


def test_cancel_a_draft_and_an_open_campaign(county, manager, make_user):
    first = draft(county.justice, manager)
    assert services.campaign_cancel(campaign=first, actor=manager).status == "cancelled"
    setup = ready(county.justice, manager, make_user)
    services.campaign_open(campaign=setup.campaign, actor=manager)
    cancelled = services.campaign_cancel(campaign=setup.campaign, actor=manager)
    assert cancelled.status == CampaignStatus.CANCELLED and cancelled.closed_at is not None
    with pytest.raises(ValidationError):
        services.campaign_update(campaign=cancelled, actor=manager, title="x")


# --- What is fixed once open -------------------------------------------------------------------


def test_draft_only_edits_refused_after_open(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    campaign = services.campaign_open(campaign=setup.campaign, actor=manager)
    dimension = campaign.dimensions.first()
    level = campaign.levels.first()
    refused = [
        lambda: services.dimension_add(campaign=campaign, name="新维度", actor=manager),
        lambda: services.dimension_update(
            dimension=dimension, name="改名", weight=1, actor=manager
        ),
        lambda: services.dimension_remove(dimension=dimension, actor=manager),
        lambda: services.level_update(
            level=level, label="优秀", points=100, satisfied=True, actor=manager
        ),
        lambda: services.group_add(campaign=campaign, name="同事", weight=0, actor=manager),
        lambda: services.group_update(
            group=setup.leader, name="领导", weight=50, anonymous=False, actor=manager
        ),
        lambda: services.group_remove(group=setup.public, actor=manager),
        lambda: services.subjects_add_people(
            campaign=campaign, people=[PersonFactory(primary_org=county.justice)], actor=manager
        ),
        lambda: services.subject_remove(subject=setup.subjects[0], actor=manager),
    ]
    for call in refused:
        with pytest.raises(ValidationError) as exc:
            call()
        assert "只有筹备中的测评可以修改此项" in messages(exc)


def test_dimension_and_group_names_are_unique_with_a_message(county, manager):
    campaign = draft(county.justice, manager, dimensions=[("履行职责", 1)], groups=[("领导", 100)])
    with pytest.raises(ValidationError) as exc:
        services.dimension_add(campaign=campaign, name="履行职责", actor=manager)
    assert "维度名称不能重复" in messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.group_add(campaign=campaign, name="领导", weight=0, actor=manager)
    assert "类别名称不能重复" in messages(exc)
    with pytest.raises(ValidationError):
        services.group_add(campaign=campaign, name="群众", weight=120, actor=manager)


def test_level_edit_on_a_draft(county, manager):
    campaign = draft(county.justice, manager)
    level = campaign.levels.get(label="一般")
    services.level_update(level=level, label="基本称职", points=65, satisfied=True, actor=manager)
    level.refresh_from_db()
    assert (level.label, level.points, level.satisfied) == ("基本称职", Decimal(65), True)


# --- Subjects ---------------------------------------------------------------------------------------


def test_subjects_people_labelled_and_skipped_when_listed(county, manager):
    campaign = draft(county.justice, manager)
    people = [PersonFactory(primary_org=county.branch1) for _ in range(3)]
    added = services.subjects_add_people(campaign=campaign, people=people[:2], actor=manager)
    assert sorted(s.label for s in added) == sorted(p.name for p in people[:2])
    again = services.subjects_add_people(campaign=campaign, people=people, actor=manager)
    assert len(again) == 1 and again[0].person == people[2]
    assert Subject.objects.filter(campaign=campaign).count() == 3


def test_subjects_outside_the_view_refused(county, make_user):
    secretary_admin = make_user("committee_admin", county.justice)
    campaign = draft(county.justice, secretary_admin)
    stranger = PersonFactory(primary_org=county.community)
    with pytest.raises(ValidationError) as exc:
        services.subjects_add_people(campaign=campaign, people=[stranger], actor=secretary_admin)
    assert "不在您查看范围内" in messages(exc)
    assert not Subject.objects.exists()


def test_subjects_organizations(county, manager):
    campaign = draft(county.root, manager, subject_kind=SubjectKind.ORGANIZATION)
    added = services.subjects_add_organizations(
        campaign=campaign, organizations=[county.branch1, county.branch2], actor=manager
    )
    assert sorted(s.label for s in added) == sorted([county.branch1.name, county.branch2.name])
    with pytest.raises(ValidationError):
        services.subjects_add_people(
            campaign=campaign, people=[PersonFactory(primary_org=county.root)], actor=manager
        )


# --- Raters ----------------------------------------------------------------------------------------


def test_raters_for_all_or_one_subject(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    one = account(make_user, county.branch2)
    made = services.raters_add(
        campaign=setup.campaign,
        group=setup.public,
        users=[one],
        subject=setup.subjects[0],
        actor=manager,
    )
    assert made[0].subject == setup.subjects[0]
    again = services.raters_add(
        campaign=setup.campaign, group=setup.public, users=[setup.boss], actor=manager
    )
    assert again == []  # already rating every subject
    with pytest.raises(ValidationError) as exc:
        services.raters_add(campaign=setup.campaign, group=setup.public, users=[one], actor=manager)
    assert "已是部分对象的测评人" in messages(exc)


def test_raters_outside_the_view_refused(county, make_user):
    admin = make_user("committee_admin", county.justice)
    campaign = draft(county.justice, admin, groups=[("群众", 100)])
    stranger = account(make_user, county.community)
    with pytest.raises(ValidationError):
        services.raters_add(
            campaign=campaign, group=campaign.groups.get(), users=[stranger], actor=admin
        )


def test_rater_removed_while_open_unless_voted(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    campaign = services.campaign_open(campaign=setup.campaign, actor=manager)
    boss = campaign.raters.get(user=setup.boss)
    Receipt.objects.create(
        campaign=campaign, group=setup.leader, subject=setup.subjects[0], rater=boss
    )
    with pytest.raises(ValidationError) as exc:
        services.rater_remove(rater=boss, actor=manager)
    assert "已经投票" in messages(exc)
    other = campaign.raters.get(user=setup.rater2)
    services.rater_remove(rater=other, actor=manager)
    assert not campaign.raters.filter(pk=other.pk).exists()
    services.campaign_close(campaign=campaign, actor=manager)
    with pytest.raises(ValidationError):
        services.raters_add(
            campaign=campaign, group=setup.public, users=[setup.rater2], actor=manager
        )


# --- Tokens ------------------------------------------------------------------------------------------


def test_token_serials_continue_and_codes_are_unique(county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=3)
    more = services.tokens_issue(
        campaign=setup.campaign,
        group=setup.leader,
        subject=setup.subjects[1],
        count=2,
        actor=manager,
    )
    assert [t.serial for t in more] == [4, 5]
    tokens = list(Token.objects.filter(campaign=setup.campaign).order_by("serial"))
    assert [t.serial for t in tokens] == [1, 2, 3, 4, 5]
    codes = [t.code for t in tokens]
    assert len(set(codes)) == 5 and all(8 <= len(c) <= 32 for c in codes)
    # Another campaign numbers from 1.
    other = draft(county.justice, manager, groups=[("群众", 100)])
    first = services.tokens_issue(campaign=other, group=other.groups.get(), count=1, actor=manager)
    assert first[0].serial == 1


def test_tokens_refused_for_bad_count_or_foreign_group_or_after_close(county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    other = draft(county.justice, manager, groups=[("群众", 100)])
    with pytest.raises(ValidationError):
        services.tokens_issue(campaign=setup.campaign, group=setup.public, count=0, actor=manager)
    with pytest.raises(ValidationError):
        services.tokens_issue(
            campaign=setup.campaign, group=other.groups.get(), count=1, actor=manager
        )
    services.campaign_open(campaign=setup.campaign, actor=manager)
    assert services.tokens_issue(
        campaign=setup.campaign, group=setup.public, count=1, actor=manager
    )
    services.campaign_close(campaign=setup.campaign, actor=manager)
    with pytest.raises(ValidationError):
        services.tokens_issue(campaign=setup.campaign, group=setup.public, count=1, actor=manager)


def test_tokens_refused_without_permission(county, manager, make_user, town_admin):
    setup = ready(county.justice, manager, make_user)
    with pytest.raises(PermissionDenied):
        services.tokens_issue(
            campaign=setup.campaign, group=setup.public, count=1, actor=town_admin
        )


def test_revoke_unused_only(county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=2)
    first, second = Token.objects.filter(campaign=setup.campaign).order_by("serial")
    assert services.token_revoke(token=first, actor=manager).revoked
    with pytest.raises(ValidationError) as exc:
        services.token_revoke(token=first, actor=manager)
    assert "已作废" in messages(exc)
    Token.objects.filter(pk=second.pk).update(used=True)
    with pytest.raises(ValidationError) as exc:
        services.token_revoke(token=second, actor=manager)
    assert "已经使用" in messages(exc)
    assert not Token.objects.get(pk=second.pk).revoked


def test_rater_added_to_an_open_campaign_is_told(
    county, manager, make_user, django_capture_on_commit_callbacks
):
    setup = ready(county.justice, manager, make_user)
    services.campaign_open(campaign=setup.campaign, actor=manager)
    late = account(make_user, county.branch1)
    with django_capture_on_commit_callbacks(execute=True):
        services.raters_add(
            campaign=setup.campaign, group=setup.public, users=[late], actor=manager
        )
    notes = Notification.objects.filter(kind="evaluations.campaign_open", recipient=late)
    assert notes.count() == 1
    assert not Notification.objects.filter(recipient=setup.boss).exists()
