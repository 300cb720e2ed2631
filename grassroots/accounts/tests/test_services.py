"""Accounts, roles and grants: each action allowed and refused at the subtree boundary."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.accounts import selectors, services
from grassroots.accounts.models import Role, RoleGrant, User
from grassroots.core import permissions
from grassroots.core.permissions import user_can
from grassroots.core.testing import grant as give
from grassroots.orgs.enums import PersonStatus
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_admin(county, make_user):
    return make_user("committee_admin", county.town, person=PersonFactory(primary_org=county.town))


@pytest.fixture
def root_admin(county, make_user):
    return make_user("system_admin", county.root, person=PersonFactory(primary_org=county.root))


def account_in(org, make_user, **kwargs):
    return make_user(None, None, person=PersonFactory(primary_org=org), **kwargs)


# --- user_create ----------------------------------------------------------------------


def test_town_admin_opens_an_account_in_the_community(county, town_admin):
    person = PersonFactory(primary_org=county.community, mobile="13912345678")
    user, generated = services.user_create(person=person, username="dj001", actor=town_admin)
    assert user.person == person
    assert user.mobile == "13912345678"  # defaults to the person's mobile
    assert user.must_change_password
    assert generated and user.check_password(generated)


def test_given_initial_password_is_not_returned(county, town_admin):
    person = PersonFactory(primary_org=county.community)
    user, generated = services.user_create(
        person=person, username="dj002", password="Qingtian-2026!", mobile="", actor=town_admin
    )
    assert generated is None
    assert user.check_password("Qingtian-2026!")
    assert user.mobile is None
    assert user.must_change_password


def test_town_admin_may_not_open_an_account_in_the_justice_branch(county, town_admin):
    person = PersonFactory(primary_org=county.branch1)
    with pytest.raises(PermissionDenied):
        services.user_create(person=person, username="sf001", actor=town_admin)
    assert not User.objects.filter(username="sf001").exists()


def test_branch_secretary_may_not_open_accounts(county, make_user):
    secretary = make_user("branch_secretary", county.community)
    person = PersonFactory(primary_org=county.community)
    with pytest.raises(PermissionDenied):
        services.user_create(person=person, username="dj003", actor=secretary)


def test_weak_password_is_refused_with_django_validators(county, town_admin):
    person = PersonFactory(primary_org=county.community)
    with pytest.raises(ValidationError) as exc:
        services.user_create(person=person, username="dj004", password="12345678", actor=town_admin)
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(username="dj004").exists()


def test_duplicate_username_and_second_account_are_refused(county, town_admin, make_user):
    make_user(username="taken")
    person = PersonFactory(primary_org=county.community)
    with pytest.raises(ValidationError) as exc:
        services.user_create(person=person, username="TAKEN", actor=town_admin)
    assert "username" in exc.value.message_dict
    services.user_create(person=person, username="dj005", actor=town_admin)
    with pytest.raises(ValidationError, match="已有账号"):
        services.user_create(person=person, username="dj006", actor=town_admin)


def test_a_username_may_not_be_another_accounts_mobile(county, town_admin, make_user):
    make_user(username="someone", mobile="13800001111")
    person = PersonFactory(primary_org=county.community, mobile="13800001111")
    with pytest.raises(ValidationError) as exc:
        services.user_create(person=person, username="13800001111", mobile="", actor=town_admin)
    assert "username" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            person=person, username="dj007", actor=town_admin
        )  # the person's mobile
    assert "mobile" in exc.value.message_dict


def test_bad_mobile_is_refused(county, town_admin):
    person = PersonFactory(primary_org=county.community)
    with pytest.raises(ValidationError) as exc:
        services.user_create(person=person, username="dj008", mobile="12345", actor=town_admin)
    assert "mobile" in exc.value.message_dict


def test_no_account_for_a_person_who_left(county, town_admin):
    person = PersonFactory(primary_org=county.community, status=PersonStatus.LEFT)
    with pytest.raises(ValidationError):
        services.user_create(person=person, username="dj009", actor=town_admin)


def test_system_account_only_by_an_admin_of_the_whole_tree(
    county, root_admin, town_admin, make_user
):
    user, _pw = services.user_create(person=None, username="ops", actor=root_admin)
    assert user.person is None
    with pytest.raises(PermissionDenied):
        services.user_create(person=None, username="ops2", actor=town_admin)
    town_sysadmin = make_user("system_admin", county.town)
    with pytest.raises(PermissionDenied):
        services.user_create(person=None, username="ops3", actor=town_sysadmin)


# --- user_update, user_set_active, user_reset_password --------------------------------


def test_update_an_account_in_scope(county, town_admin, make_user):
    account = account_in(county.community, make_user)
    services.user_update(
        user=account, display_name=" 老王 ", mobile="139 1234 5678", actor=town_admin
    )
    account.refresh_from_db()
    assert account.display_name == "老王"
    assert account.mobile == "13912345678"


def test_update_out_of_scope_is_refused(county, town_admin, make_user):
    account = account_in(county.branch1, make_user)
    with pytest.raises(PermissionDenied):
        services.user_update(user=account, display_name="x", actor=town_admin)


def test_update_with_a_mobile_in_use_is_refused(county, town_admin, make_user):
    make_user(mobile="13700001111")
    account = account_in(county.community, make_user)
    with pytest.raises(ValidationError) as exc:
        services.user_update(user=account, mobile="13700001111", actor=town_admin)
    assert "mobile" in exc.value.message_dict


def test_deactivate_and_reactivate(county, town_admin, make_user):
    account = account_in(county.community, make_user)
    services.user_set_active(user=account, active=False, actor=town_admin)
    account.refresh_from_db()
    assert not account.is_active
    services.user_set_active(user=account, active=True, actor=town_admin)
    account.refresh_from_db()
    assert account.is_active


def test_deactivate_out_of_scope_is_refused(county, town_admin, make_user):
    account = account_in(county.justice, make_user)
    with pytest.raises(PermissionDenied):
        services.user_set_active(user=account, active=False, actor=town_admin)
    account.refresh_from_db()
    assert account.is_active


def test_nobody_deactivates_themselves(county, town_admin):
    with pytest.raises(ValidationError):
        services.user_set_active(user=town_admin, active=False, actor=town_admin)
    with pytest.raises(ValidationError):
        services.user_update(user=town_admin, is_active=False, actor=town_admin)
    town_admin.refresh_from_db()
    assert town_admin.is_active


def test_reset_password_sets_a_temporary_one_and_forces_a_change(county, town_admin, make_user):
    account = account_in(county.community, make_user)
    password = services.user_reset_password(user=account, actor=town_admin)
    account.refresh_from_db()
    assert account.check_password(password)
    assert account.must_change_password


@pytest.mark.parametrize("action", ["reset", "deactivate"])
def test_reset_or_deactivation_revokes_the_api_tokens(county, town_admin, make_user, action):
    from grassroots.accounts.tokens.services import TokenRejected, token_authenticate, token_create

    account = account_in(county.community, make_user)
    _token, raw = token_create(name="脚本", actor=account)
    assert token_authenticate(raw).user == account
    if action == "reset":
        services.user_reset_password(user=account, actor=town_admin)
    else:
        services.user_set_active(user=account, active=False, actor=town_admin)
    with pytest.raises(TokenRejected, match="撤销"):
        token_authenticate(raw)


def test_reset_password_out_of_scope_is_refused(county, town_admin, make_user):
    account = account_in(county.branch2, make_user)
    with pytest.raises(PermissionDenied):
        services.user_reset_password(user=account, actor=town_admin)


def test_no_takeover_of_a_stronger_account(county, town_admin, make_user):
    """A county system admin who sits in the community is out of the town admin's reach."""
    strong = account_in(county.community, make_user)
    give(strong, "system_admin", county.root)
    with pytest.raises(PermissionDenied):
        services.user_reset_password(user=strong, actor=town_admin)
    with pytest.raises(PermissionDenied):
        services.user_set_active(user=strong, active=False, actor=town_admin)
    peer = account_in(county.community, make_user)
    give(peer, "branch_secretary", county.community)
    services.user_reset_password(user=peer, actor=town_admin)  # weaker: allowed


def test_accounts_without_person_only_for_whole_tree_admins(
    county, root_admin, town_admin, make_user
):
    ops = make_user(username="ops")
    services.user_reset_password(user=ops, actor=root_admin)
    with pytest.raises(PermissionDenied):
        services.user_reset_password(user=ops, actor=town_admin)


def test_superuser_account_only_for_superusers(county, root_admin, make_user):
    boss = make_user(is_superuser=True, person=PersonFactory(primary_org=county.community))
    with pytest.raises(PermissionDenied):
        services.user_reset_password(user=boss, actor=root_admin)
    other_boss = make_user(is_superuser=True)
    services.user_reset_password(user=boss, actor=other_boss)


# --- Roles ------------------------------------------------------------------------------


def test_root_admin_creates_edits_and_deletes_a_role(county, root_admin):
    role = services.role_create(
        name="宣传委员",
        description="宣传工作",
        codenames=["orgs.view_person", "orgs.view_organization"],
        actor=root_admin,
    )
    assert role.codenames == ["orgs.view_organization", "orgs.view_person"]
    assert not role.is_builtin
    services.role_update(
        role=role, name="宣传委员（新）", codenames=["orgs.view_person"], actor=root_admin
    )
    role.refresh_from_db()
    assert role.name == "宣传委员（新）"
    assert role.codenames == ["orgs.view_person"]
    services.role_delete(role=role, actor=root_admin)
    assert not Role.objects.filter(pk=role.pk).exists()


def test_roles_refused_below_the_root(county, make_user, town_admin):
    town_sysadmin = make_user("system_admin", county.town)
    role = Role.objects.get(slug="member")
    for actor in (town_sysadmin, town_admin):
        with pytest.raises(PermissionDenied):
            services.role_create(name="x", codenames=[], actor=actor)
        with pytest.raises(PermissionDenied):
            services.role_update(role=role, name="y", actor=actor)


def test_superuser_manages_roles(county, make_user):
    boss = make_user(is_superuser=True)
    role = services.role_create(name="观察员", codenames=["orgs.view_organization"], actor=boss)
    assert role.pk


def test_role_bad_input(county, root_admin):
    with pytest.raises(ValidationError) as exc:
        services.role_create(name="x", codenames=["nope.do_anything"], actor=root_admin)
    assert "codenames" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.role_create(name="支部书记", codenames=[], actor=root_admin)
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.role_create(name="  ", codenames=[], actor=root_admin)
    assert "name" in exc.value.message_dict


def test_builtin_role_and_role_in_use_are_not_deleted(county, root_admin, make_user):
    with pytest.raises(ValidationError):
        services.role_delete(role=Role.objects.get(slug="member"), actor=root_admin)
    role = services.role_create(name="临时", codenames=["orgs.view_organization"], actor=root_admin)
    give(make_user(), role.slug, county.town)
    with pytest.raises(ValidationError, match="收回"):
        services.role_delete(role=role, actor=root_admin)


def test_system_admin_role_keeps_every_codename(county, root_admin):
    role = Role.objects.get(slug="system_admin")
    with pytest.raises(ValidationError):
        services.role_update(role=role, codenames=["orgs.view_organization"], actor=root_admin)


def test_a_role_manager_cannot_add_codenames_they_lack(county, make_user, root_admin):
    keeper = services.role_create(
        name="角色维护", codenames=["accounts.manage_roles"], actor=root_admin
    )
    manager = make_user(keeper.slug, county.root)
    with pytest.raises(PermissionDenied):
        services.role_update(
            role=keeper, codenames=["accounts.manage_roles", "orgs.manage_person"], actor=manager
        )
    # Renaming and removing are fine.
    services.role_update(role=keeper, name="角色维护员", actor=manager)


# --- Grants -----------------------------------------------------------------------------


def test_town_admin_grants_on_the_community(county, town_admin, make_user):
    grantee = account_in(county.community, make_user)
    secretary = Role.objects.get(slug="branch_secretary")
    grant = services.grant_create(
        user=grantee, role=secretary, organization=county.community, actor=town_admin
    )
    assert grant.granted_by == town_admin
    assert user_can(grantee, "orgs.manage_person", county.community)


def test_town_admin_may_not_grant_on_the_justice_branch(county, town_admin, make_user):
    grantee = account_in(county.community, make_user)
    with pytest.raises(PermissionDenied):
        services.grant_create(
            user=grantee,
            role=Role.objects.get(slug="member"),
            organization=county.branch1,
            actor=town_admin,
        )
    assert not RoleGrant.objects.filter(user=grantee).exists()


def test_grantee_must_be_in_scope(county, town_admin, make_user):
    stranger = account_in(county.branch1, make_user)
    with pytest.raises(PermissionDenied):
        services.grant_create(
            user=stranger,
            role=Role.objects.get(slug="member"),
            organization=county.community,
            actor=town_admin,
        )


def test_branch_secretary_cannot_grant_at_all(county, make_user):
    secretary = make_user("branch_secretary", county.community)
    grantee = account_in(county.community, make_user)
    with pytest.raises(PermissionDenied):
        services.grant_create(
            user=grantee,
            role=Role.objects.get(slug="member"),
            organization=county.community,
            actor=secretary,
        )


def test_escalation_is_refused(county, town_admin, make_user):
    grantee = account_in(county.community, make_user)
    Role.objects.create(
        slug="admin_site", name="后台", codenames=["orgs.view_person", "core.use_admin_site"]
    )
    for slug in ("system_admin", "admin_site"):
        with pytest.raises(PermissionDenied, match="不具备"):
            services.grant_create(
                user=grantee,
                role=Role.objects.get(slug=slug),
                organization=county.community,
                actor=town_admin,
            )
    # A role with the same codenames as the actor's own is fine.
    same = Role.objects.create(
        slug="same", name="同权", codenames=Role.objects.get(slug="committee_admin").codenames
    )
    services.grant_create(
        user=grantee,
        role=same,
        organization=county.community,
        actor=town_admin,
    )
    # Not even to themselves.
    with pytest.raises(PermissionDenied):
        services.grant_create(
            user=town_admin,
            role=Role.objects.get(slug="system_admin"),
            organization=county.town,
            actor=town_admin,
        )


def test_superuser_grants_anything(county, make_user):
    boss = make_user(is_superuser=True)
    grantee = account_in(county.community, make_user)
    services.grant_create(
        user=grantee,
        role=Role.objects.get(slug="system_admin"),
        organization=county.root,
        actor=boss,
    )
    assert user_can(grantee, "accounts.manage_roles", county.root)


def test_duplicate_grant_has_a_clear_message(county, town_admin, make_user):
    grantee = account_in(county.community, make_user)
    role = Role.objects.get(slug="member")
    services.grant_create(user=grantee, role=role, organization=county.community, actor=town_admin)
    with pytest.raises(ValidationError, match="已有角色"):
        services.grant_create(
            user=grantee, role=role, organization=county.community, actor=town_admin
        )
    assert RoleGrant.objects.filter(user=grantee).count() == 1


def test_grant_refused_for_inactive_account(county, town_admin, make_user):
    grantee = account_in(county.community, make_user, is_active=False)
    with pytest.raises(ValidationError):
        services.grant_create(
            user=grantee,
            role=Role.objects.get(slug="member"),
            organization=county.community,
            actor=town_admin,
        )


def test_revoke_in_scope_and_refused_beyond(county, town_admin, root_admin, make_user):
    grantee = account_in(county.community, make_user)
    inside = give(grantee, "member", county.community)
    outside = give(grantee, "member", county.branch1)
    assert user_can(grantee, "orgs.view_organization", county.branch1)
    with pytest.raises(PermissionDenied):
        services.grant_revoke(grant=outside, actor=town_admin)
    services.grant_revoke(grant=inside, actor=town_admin)
    assert not RoleGrant.objects.filter(pk=inside.pk).exists()
    services.grant_revoke(grant=outside, actor=root_admin)
    assert not RoleGrant.objects.filter(user=grantee).exists()
    permissions.forget_scopes(grantee)
    assert not user_can(grantee, "orgs.view_organization", county.branch1)


def test_revoking_a_stronger_grant_is_refused(county, town_admin, make_user):
    grantee = account_in(county.community, make_user)
    strong = give(grantee, "system_admin", county.community)
    with pytest.raises(PermissionDenied):
        services.grant_revoke(grant=strong, actor=town_admin)


def test_nobody_revokes_their_own_grant(county, town_admin):
    own = town_admin.grants.get()
    with pytest.raises(ValidationError):
        services.grant_revoke(grant=own, actor=town_admin)


def test_grant_to_oneself_refreshes_the_actors_cached_scopes(county, town_admin):
    assert user_can(town_admin, "orgs.view_organization", county.town)  # fills the cache
    assert "_grassroots_scopes" in town_admin.__dict__
    services.grant_create(
        user=town_admin,
        role=Role.objects.get(slug="member"),
        organization=county.community,
        actor=town_admin,
    )
    assert "_grassroots_scopes" not in town_admin.__dict__


def test_grant_changes_are_audited_and_scoped(county, town_admin, root_admin, make_user):
    grantee = account_in(county.community, make_user)
    role = Role.objects.get(slug="member")
    grant = services.grant_create(
        user=grantee, role=role, organization=county.community, actor=town_admin
    )
    services.grant_revoke(grant=grant, actor=town_admin)
    far = give(account_in(county.branch1, make_user), "member", county.branch1)
    content_type = ContentType.objects.get_for_model(RoleGrant)
    entries = LogEntry.objects.filter(content_type=content_type, object_pk=str(grant.pk))
    assert sorted(entries.values_list("action", flat=True)) == [
        LogEntry.Action.CREATE,
        LogEntry.Action.DELETE,
    ]

    seen = selectors.grant_history(town_admin)
    assert [(e.action, e.user, e.organization, e.actor) for e in seen[:2]] == [
        ("delete", grantee, county.community, town_admin),
        ("create", grantee, county.community, town_admin),
    ]
    assert all(e.organization != county.branch1 for e in seen)
    everything = selectors.grant_history(root_admin)
    assert any(e.organization == county.branch1 and e.user == far.user for e in everything)
    only_branch = selectors.grant_history(root_admin, organization=county.justice)
    assert {e.organization for e in only_branch} == {county.branch1}


def test_grant_history_needs_the_audit_codename(county, make_user):
    role = Role.objects.create(slug="granter", name="授权员", codenames=["accounts.manage_grants"])
    granter = make_user(role.slug, county.town)
    assert selectors.grant_history(granter) is None


def test_built_in_role_names_follow_the_language_until_renamed(db):
    from django.utils import translation

    from grassroots.accounts.models import Role
    from grassroots.accounts.signals import ensure_builtin_roles

    ensure_builtin_roles()
    role = Role.objects.get(slug="branch_secretary")
    with translation.override("en"):
        assert role.label == "Branch secretary"
        role.name = "支部书记（自定义）"
        assert role.label == "支部书记（自定义）"
    with translation.override("zh-hans"):
        assert Role.objects.get(slug="branch_secretary").label == "支部书记"
