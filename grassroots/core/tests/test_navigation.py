import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def active_keys(client, url):
    return [item["key"] for item in client.get(url).context["nav_items"] if item["active"]]


def test_the_most_specific_menu_entry_is_active(client, county, make_user):
    client.force_login(make_user("committee_admin", county.justice))
    assert active_keys(client, reverse("orgs:tree")) == ["orgs"]
    assert active_keys(client, reverse("orgs:people")) == ["people"]
    assert active_keys(client, reverse("orgs:roster_import")) == ["people"]
    assert active_keys(client, reverse("core:home")) == []


def test_menu_shows_only_what_the_role_may_use(client, county, make_user):
    client.force_login(make_user("member", county.branch1))
    keys = [item["key"] for item in client.get(reverse("core:home")).context["nav_items"]]
    assert "orgs" in keys and "people" not in keys


def test_a_new_account_is_told_to_ask_for_permissions(client, make_user, county):
    from django.urls import reverse

    bare = make_user(None, None)
    client.force_login(bare)
    assert 'data-testid="unassigned"' in client.get(reverse("core:home")).content.decode()
    secretary = make_user("branch_secretary", county.branch1)
    client.force_login(secretary)
    assert 'data-testid="unassigned"' not in client.get(reverse("core:home")).content.decode()


def test_entries_of_a_field_of_work_share_one_dropdown(client, county, make_user):
    client.force_login(make_user("branch_secretary", county.branch1))
    response = client.get(reverse("meetings:meeting_list"))
    menu = {item["key"]: item for item in response.context["nav_menu"]}
    life = menu["life"]
    assert [child["key"] for child in life["children"]][:2] == ["meetings", "compliance"]
    assert life["active"] and [c["key"] for c in life["children"] if c["active"]] == ["meetings"]
    assert "meetings" not in menu and "orgs" in menu
    assert 'data-testid="nav-group-life"' in response.content.decode()


def test_a_group_with_one_visible_entry_shows_it_alone():
    from grassroots.core.navigation import grouped

    def entry(key, group):
        return {
            "key": key,
            "label": key,
            "url": f"/{key}/",
            "icon": "x",
            "active": False,
            "group": group,
        }

    menu = grouped(
        [
            entry("orgs", None),
            entry("accounts", "admin"),
            entry("quizzes", "study"),
            entry("study_hours", "study"),
        ]
    )
    assert [item["key"] for item in menu] == ["orgs", "accounts", "study"]
    assert [child["key"] for child in menu[2]["children"]] == ["quizzes", "study_hours"]


def test_a_group_the_user_may_use_nothing_of_is_not_shown(client, county, make_user):
    client.force_login(make_user("branch_secretary", county.branch1))
    menu = {item["key"]: item for item in client.get(reverse("core:home")).context["nav_menu"]}
    assert "admin" not in menu and "accounts" not in menu and "calendar" not in menu
