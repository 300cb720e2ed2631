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
