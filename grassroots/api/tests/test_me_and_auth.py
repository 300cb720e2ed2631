"""/api/v1/me, and how requests are authenticated: token, session, or 401 with a message."""

import pytest

from grassroots.core.testing import grant
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_me_lists_the_user_person_and_grants(client, county, make_user, bearer):
    person = PersonFactory(primary_org=county.branch1)
    user = make_user("branch_secretary", county.branch1, person=person)
    grant(user, "discipline_inspector", county.town)
    response = client.get(ME, headers=bearer(user))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == user.pk
    assert data["username"] == user.username
    assert data["name"] == person.name
    assert data["person_id"] == person.pk
    assert {(g["role"], g["organization_id"], g["organization_name"]) for g in data["grants"]} == {
        ("branch_secretary", county.branch1.pk, county.branch1.name),
        ("discipline_inspector", county.town.pk, county.town.name),
    }


def test_me_for_an_account_without_person_or_grants(client, make_user, bearer):
    user = make_user()
    data = client.get(ME, headers=bearer(user)).json()
    assert data["person_id"] is None
    assert data["grants"] == []


def test_anonymous_request_is_401_with_a_json_message(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Authorization: Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Token abc", "Basic dXNlcjpwYXNz", "Bearer", "Bearer gr_nope", "gr_x"]
)
def test_malformed_or_foreign_authorization_is_401(client, db, header):
    response = client.get(ME, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_logged_in_browser_session_is_accepted(client, county, make_user):
    user = make_user("branch_secretary", county.branch1)
    client.force_login(user)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert client.get("/api/v1/organizations").json()["count"] == 1


def test_a_token_acts_as_its_own_user_not_the_session(client, county, make_user, bearer):
    browser_user = make_user("system_admin", county.root)
    token_user = make_user("branch_secretary", county.branch1)
    client.force_login(browser_user)
    response = client.get("/api/v1/organizations", headers=bearer(token_user))
    assert response.json()["count"] == 1
    assert client.get(ME, headers=bearer(token_user)).json()["id"] == token_user.pk
