"""Pages of accounts, roles and grants: scope, 404s, messages, shown-once passwords, query budgets."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from grassroots.accounts.models import Role, RoleGrant, User
from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.testing import grant as give
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_admin(county, make_user):
    return make_user("committee_admin", county.town, person=PersonFactory(primary_org=county.town))


@pytest.fixture
def root_admin(county, make_user):
    return make_user("system_admin", county.root, person=PersonFactory(primary_org=county.root))


def account_in(org, **kwargs):
    return UserFactory(person=PersonFactory(primary_org=org), **kwargs)


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


# --- Navigation and tabs --------------------------------------------------------------------


def test_navigation_entry_for_grant_managers_only(client, county, town_admin, make_user):
    response = page(client, town_admin, "core:home")
    assert reverse("accounts:grants") in response.content.decode()
    secretary = make_user("branch_secretary", county.community)
    response = page(client, secretary, "core:home")
    assert reverse("accounts:grants") not in response.content.decode()


# --- Users ------------------------------------------------------------------------------------


def test_user_list_is_scoped_and_searchable(client, county, town_admin):
    inside = account_in(county.community, username="inside01")
    account_in(county.branch1, username="outside01")
    response = page(client, town_admin, "accounts:users")
    assert response.status_code == 200
    listed = list(response.context["page_obj"])
    assert inside in listed
    assert all(u.username != "outside01" for u in listed)
    response = page(client, town_admin, "accounts:users", q=inside.person.name)
    assert list(response.context["page_obj"]) == [inside]


def test_user_list_refused_without_manage_users(client, county, make_user):
    secretary = make_user("branch_secretary", county.community)
    assert page(client, secretary, "accounts:users").status_code == 403


def test_user_list_query_budget(client, county, town_admin, django_assert_max_num_queries):
    for _i in range(200):
        account_in(county.community)
    client.force_login(town_admin)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("accounts:users"))
    assert response.context["page_obj"].paginator.count == 201  # and the admin's own account
    with django_assert_max_num_queries(11):
        client.get(reverse("accounts:users"), {"page": 4})


def test_create_account_shows_the_generated_password_once(client, county, town_admin):
    person = PersonFactory(primary_org=county.community, mobile="13512345678")
    client.force_login(town_admin)
    url = reverse("accounts:user_create") + f"?person={person.pk}"
    form = client.get(url)
    assert form.context["form"].initial["mobile"] == "13512345678"
    response = client.post(
        url, {"username": "sq0001", "mobile": "13512345678", "display_name": "", "password": ""}
    )
    assert response.status_code == 200
    shown = response.context["password"]
    assert shown in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    account = User.objects.get(username="sq0001")
    assert (
        account.person == person and account.must_change_password and account.check_password(shown)
    )


def test_create_account_with_a_weak_password_shows_the_error(client, county, town_admin):
    person = PersonFactory(primary_org=county.community)
    client.force_login(town_admin)
    url = reverse("accounts:user_create") + f"?person={person.pk}"
    response = client.post(url, {"username": "sq0002", "mobile": "", "password": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="sq0002").exists()


def test_create_account_for_a_person_beyond_scope_is_404(client, county, town_admin):
    person = PersonFactory(primary_org=county.branch1)
    client.force_login(town_admin)
    url = reverse("accounts:user_create")
    assert client.get(url, {"person": person.pk}).status_code == 404
    assert client.get(url, {"person": 999999}).status_code == 404
    assert client.post(url + f"?person={person.pk}", {"username": "x1"}).status_code == 404


def test_person_picker_lists_people_without_account_in_scope(client, county, town_admin):
    free = PersonFactory(primary_org=county.community)
    taken = account_in(county.community).person
    beyond = PersonFactory(primary_org=county.branch1)
    response = page(client, town_admin, "accounts:user_create")
    people = list(response.context["people"])
    assert free in people and taken not in people and beyond not in people
    assert not response.context["can_create_system"]
    assert page(client, town_admin, "accounts:user_create", system="1").status_code == 403


def test_root_admin_creates_a_system_account(client, county, root_admin):
    client.force_login(root_admin)
    url = reverse("accounts:user_create") + "?system=1"
    response = client.post(url, {"username": "ops01", "mobile": "", "password": "Yunwei-2026-x"})
    account = User.objects.get(username="ops01")
    assert response.status_code == 302 and account.person is None


def test_user_detail_shows_person_grants_and_logins(client, county, town_admin):
    account = account_in(county.community)
    give(account, "branch_secretary", county.community)
    response = page(client, town_admin, "accounts:user_detail", account.pk)
    body = response.content.decode()
    assert account.person.name in body
    assert "支部书记" in body
    assert response.context["login"].recent_failures == 0
    assert response.context["can_manage"]


def test_own_account_page_but_not_a_strangers(client, county, make_user):
    member = make_user(
        "member", county.community, person=PersonFactory(primary_org=county.community)
    )
    assert page(client, member, "accounts:user_detail", member.pk).status_code == 200
    other = account_in(county.community)
    assert page(client, member, "accounts:user_detail", other.pk).status_code == 404
    assert page(client, member, "accounts:user_detail", 999999).status_code == 404


def test_user_detail_beyond_scope_is_404(client, county, town_admin):
    beyond = account_in(county.branch2)
    assert page(client, town_admin, "accounts:user_detail", beyond.pk).status_code == 404
    assert page(client, town_admin, "accounts:user_edit", beyond.pk).status_code == 404


def test_edit_account(client, county, town_admin):
    account = account_in(county.community)
    client.force_login(town_admin)
    url = reverse("accounts:user_edit", args=[account.pk])
    response = client.post(
        url, {"display_name": "小李", "mobile": "13611112222", "email": "", "is_active": "on"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.display_name, account.mobile, account.is_active) == (
        "小李",
        "13611112222",
        True,
    )
    bad = client.post(url, {"display_name": "", "mobile": "123", "email": "", "is_active": "on"})
    assert bad.context["form"].errors["mobile"]


def test_deactivate_and_not_oneself(client, county, town_admin):
    account = account_in(county.community)
    client.force_login(town_admin)
    client.post(reverse("accounts:user_set_active", args=[account.pk]), {"active": "0"})
    account.refresh_from_db()
    assert not account.is_active
    response = client.post(
        reverse("accounts:user_set_active", args=[town_admin.pk]), {"active": "0"}, follow=True
    )
    assert "不能停用自己的账号" in response.content.decode()
    town_admin.refresh_from_db()
    assert town_admin.is_active
    assert client.get(reverse("accounts:user_set_active", args=[account.pk])).status_code == 405


def test_deactivated_account_is_logged_out(client, county, town_admin):
    account = account_in(county.community)
    client.force_login(account)
    account.is_active = False
    account.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_reset_password_then_forced_change(client, county, town_admin):
    account = account_in(county.community)
    client.force_login(town_admin)
    url = reverse("accounts:user_reset_password", args=[account.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    temporary = response.context["password"]
    assert temporary in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    client.logout()
    login = client.post(
        reverse("accounts:login"), {"username": account.username, "password": temporary}
    )
    assert login.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home.url == reverse("accounts:password_change")
    htmx = client.get(reverse("accounts:users"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200
    changed = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": temporary,
            "new_password1": "Xin-mima-2026",
            "new_password2": "Xin-mima-2026",
        },
        follow=True,
    )
    assert changed.status_code == 200
    account.refresh_from_db()
    assert not account.must_change_password
    assert client.get(reverse("core:home")).status_code == 200


def test_reset_password_beyond_scope_is_404(client, county, town_admin):
    beyond = account_in(county.branch1)
    client.force_login(town_admin)
    assert client.post(reverse("accounts:user_reset_password", args=[beyond.pk])).status_code == 404
    beyond.refresh_from_db()
    assert beyond.check_password(PASSWORD)


def test_reset_password_of_a_stronger_account_is_403(client, county, town_admin):
    strong = account_in(county.community)
    give(strong, "system_admin", county.root)
    client.force_login(town_admin)
    assert client.post(reverse("accounts:user_reset_password", args=[strong.pk])).status_code == 403


def test_person_page_shows_the_account_panel(client, county, town_admin, make_user):
    account = account_in(county.community, username="panel01")
    response = page(client, town_admin, "orgs:person_detail", account.person.pk)
    assert "panel01" in response.content.decode()
    viewer = make_user("discipline_inspector", county.town)
    response = page(client, viewer, "orgs:person_detail", account.person.pk)
    assert 'data-testid="person-account"' not in response.content.decode()


# --- Roles --------------------------------------------------------------------------------------


def test_roles_list_grouped_by_app(client, county, root_admin):
    response = page(client, root_admin, "accounts:roles")
    body = response.content.decode()
    assert response.status_code == 200 and response.context["can_manage"]
    assert "账号与权限" in body and "授予与收回角色" in body


def test_grant_managers_see_roles_but_cannot_edit(client, county, town_admin, make_user):
    response = page(client, town_admin, "accounts:roles")
    assert response.status_code == 200 and not response.context["can_manage"]
    role = Role.objects.get(slug="member")
    assert page(client, town_admin, "accounts:role_edit", role.pk).status_code == 403
    assert page(client, town_admin, "accounts:role_create").status_code == 403
    secretary = make_user("branch_secretary", county.community)
    assert page(client, secretary, "accounts:roles").status_code == 403


def test_edit_role_codenames_with_checkboxes(client, county, root_admin):
    role = Role.objects.get(slug="member")
    client.force_login(root_admin)
    url = reverse("accounts:role_edit", args=[role.pk])
    assert (
        'value="orgs.view_organization" id="perm-orgs.view_organization" checked'
        in client.get(url).content.decode()
    )
    response = client.post(
        url,
        {
            "name": role.name,
            "description": "",
            "codenames": ["orgs.view_organization", "orgs.view_person"],
        },
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.codenames == ["orgs.view_organization", "orgs.view_person"]
    assert client.get(reverse("accounts:role_edit", args=[999999])).status_code == 404


def test_create_and_delete_role(client, county, root_admin):
    client.force_login(root_admin)
    response = client.post(
        reverse("accounts:role_create"),
        {"name": "统计员", "description": "", "codenames": ["orgs.export_roster"]},
    )
    assert response.status_code == 302
    role = Role.objects.get(name="统计员")
    duplicate = client.post(reverse("accounts:role_create"), {"name": "统计员", "codenames": []})
    assert duplicate.context["form"].errors["name"]
    client.post(reverse("accounts:role_delete", args=[role.pk]))
    assert not Role.objects.filter(pk=role.pk).exists()
    builtin = Role.objects.get(slug="member")
    response = client.post(reverse("accounts:role_delete", args=[builtin.pk]), follow=True)
    assert "内置角色不能删除" in response.content.decode()


# --- Grants -------------------------------------------------------------------------------------


def test_grants_list_filters_by_org_role_and_user(client, county, town_admin):
    a = account_in(county.community)
    b = account_in(county.town)
    give(a, "branch_secretary", county.community)
    give(b, "member", county.town)
    give(account_in(county.branch1), "member", county.branch1)
    response = page(client, town_admin, "accounts:grants")
    orgs = {g.organization for g in response.context["page_obj"]}
    assert county.branch1 not in orgs and county.community in orgs
    response = page(client, town_admin, "accounts:grants", org=county.community.pk)
    assert [g.user for g in response.context["page_obj"]] == [a]
    member = Role.objects.get(slug="member")
    response = page(client, town_admin, "accounts:grants", role=member.pk)
    assert [g.user for g in response.context["page_obj"]] == [b]
    response = page(client, town_admin, "accounts:grants", q=a.username)
    assert [g.user for g in response.context["page_obj"]] == [a]


def test_grants_list_unknown_or_foreign_org_is_404(client, county, town_admin, make_user):
    assert page(client, town_admin, "accounts:grants", org=county.justice.pk).status_code == 404
    assert page(client, town_admin, "accounts:grants", org=999999).status_code == 404
    assert page(client, town_admin, "accounts:grants", role=999999).status_code == 404
    secretary = make_user("branch_secretary", county.community)
    assert page(client, secretary, "accounts:grants").status_code == 403


def test_organization_page_links_to_its_grants(client, county, town_admin):
    response = page(client, town_admin, "orgs:detail", county.community.pk)
    link = f"{reverse('accounts:grants')}?org={county.community.pk}"
    assert link in response.content.decode()
    assert client.get(link).status_code == 200


def test_grants_list_query_budget(client, county, town_admin, django_assert_max_num_queries):
    role = Role.objects.get(slug="member")
    for _i in range(200):
        RoleGrant.objects.create(
            user=account_in(county.community), role=role, organization=county.community
        )
    client.force_login(town_admin)
    # Audited changes too: a few created through the service.
    from grassroots.accounts import services

    for _i in range(5):
        services.grant_create(
            user=account_in(county.community), role=role, organization=county.town, actor=town_admin
        )
    with django_assert_max_num_queries(16):
        response = client.get(reverse("accounts:grants"))
    assert response.context["page_obj"].paginator.count == 206
    assert len(response.context["history"]) >= 5
    with django_assert_max_num_queries(16):
        client.get(reverse("accounts:grants"), {"org": county.community.pk, "page": 3})


def test_grant_create_through_the_page(client, county, town_admin):
    grantee = account_in(county.community)
    client.force_login(town_admin)
    secretary = Role.objects.get(slug="branch_secretary")
    form = client.get(
        reverse("accounts:grant_create"), {"user": grantee.pk, "org": county.community.pk}
    )
    assert form.context["form"].initial == {
        "user": grantee.username,
        "organization": county.community.pk,
    }
    data = {
        "user": grantee.username,
        "role": secretary.pk,
        "organization": county.community.pk,
        "note": "",
    }
    response = client.post(reverse("accounts:grant_create"), data)
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=grantee, role=secretary, organization=county.community)
    entry = LogEntry.objects.get_for_object(grant).get()
    assert (entry.actor, entry.remote_addr) == (town_admin, "127.0.0.1")
    duplicate = client.post(reverse("accounts:grant_create"), data)
    assert "已有角色" in duplicate.content.decode()


def test_grant_create_refusals_are_shown_on_the_form(client, county, town_admin):
    grantee = account_in(county.community)
    stranger = account_in(county.branch1)
    client.force_login(town_admin)
    url = reverse("accounts:grant_create")
    system_admin = Role.objects.get(slug="system_admin")
    escalation = client.post(
        url,
        {"user": grantee.username, "role": system_admin.pk, "organization": county.community.pk},
    )
    assert "不具备" in escalation.content.decode()
    member = Role.objects.get(slug="member")
    beyond_org = client.post(
        url, {"user": grantee.username, "role": member.pk, "organization": county.branch1.pk}
    )
    assert beyond_org.context["form"].errors["organization"]
    beyond_user = client.post(
        url, {"user": stranger.username, "role": member.pk, "organization": county.community.pk}
    )
    assert beyond_user.context["form"].errors["user"]
    assert not RoleGrant.objects.filter(user__in=[grantee, stranger]).exists()
    assert client.get(url, {"user": stranger.pk}).status_code == 404


def test_grant_revoke_through_the_page(client, county, town_admin):
    grantee = account_in(county.community)
    inside = give(grantee, "member", county.community)
    outside = give(grantee, "member", county.branch1)
    client.force_login(town_admin)
    assert client.post(reverse("accounts:grant_revoke", args=[outside.pk])).status_code == 404
    assert client.get(reverse("accounts:grant_revoke", args=[inside.pk])).status_code == 405
    response = client.post(reverse("accounts:grant_revoke", args=[inside.pk]))
    assert response.status_code == 302
    assert list(RoleGrant.objects.filter(user=grantee)) == [outside]
    assert client.post(reverse("accounts:grant_revoke", args=[999999])).status_code == 404


def test_grant_history_shown_with_the_audit_codename_only(client, county, town_admin, make_user):
    grantee = account_in(county.community)
    from grassroots.accounts import services

    services.grant_create(
        user=grantee,
        role=Role.objects.get(slug="member"),
        organization=county.community,
        actor=town_admin,
    )
    response = page(client, town_admin, "accounts:grants")
    assert 'data-testid="grant-history"' in response.content.decode()
    granter_role = Role.objects.create(
        slug="granter", name="授权员", codenames=["accounts.manage_grants"]
    )
    granter = make_user(granter_role.slug, county.town)
    response = page(client, granter, "accounts:grants")
    assert response.status_code == 200
    assert 'data-testid="grant-history"' not in response.content.decode()


def test_user_page_lists_recent_logins_and_failures(client, county, town_admin):
    account = account_in(county.community, mobile="13322223333")
    client.post(reverse("accounts:login"), {"username": "13322223333", "password": PASSWORD})
    client.logout()
    client.post(reverse("accounts:login"), {"username": account.username, "password": "wrong"})
    response = page(client, town_admin, "accounts:user_detail", account.pk)
    login = response.context["login"]
    assert len(login.recent) == 1 and login.recent_failures == 1 and not login.locked
    assert login.last_login is not None


def test_opening_a_second_account_for_a_person_leads_to_the_first(client, county, town_admin):
    account = account_in(county.community)
    response = page(client, town_admin, "accounts:user_create", person=account.person.pk)
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_detail", args=[account.pk])
