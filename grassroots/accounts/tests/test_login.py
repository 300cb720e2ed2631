"""Login by username or mobile, lockout after five failures, logout, password change."""

import pytest
from django.urls import reverse

from grassroots.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


def login(client, username, password=PASSWORD):
    return client.post(reverse(LOGIN), {"username": username, "password": password})


def logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_login_by_username(client, make_user):
    user = make_user(username="gh0001")
    response = login(client, "gh0001")
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert logged_in_as(client, user)


def test_login_by_mobile_with_spaces(client, make_user):
    user = make_user(username="gh0002", mobile="13912345678")
    response = login(client, "139 1234 5678")
    assert response.status_code == 302
    assert logged_in_as(client, user)


def test_wrong_password_shows_the_message(client, make_user):
    make_user(username="gh0003")
    response = login(client, "gh0003", "wrong-password")
    assert response.status_code == 200
    assert "手机号/工号或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_for_that_login_name(client, make_user):
    make_user(username="gh0004")
    other = make_user(username="gh0005")
    for _attempt in range(4):
        assert login(client, "gh0004", "wrong-password").status_code == 200
    locked = login(client, "gh0004", "wrong-password")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    # Locked even with the right password now.
    again = login(client, "gh0004")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another login name from the same address is not affected (many units share one NAT address).
    assert login(client, "gh0005").status_code == 302
    assert logged_in_as(client, other)


def test_failures_by_mobile_and_by_username_count_for_the_same_account(client, make_user):
    make_user(username="gh0008", mobile="13812340008")
    for _attempt in range(3):
        assert login(client, "gh0008", "wrong-password").status_code == 200
    assert login(client, "13812340008", "wrong-password").status_code == 200
    assert login(client, "138 1234 0008", "wrong-password").status_code == 429
    assert login(client, "gh0008").status_code == 429


def test_four_failures_then_success_resets_the_count(client, make_user):
    user = make_user(username="gh0006")
    for _attempt in range(4):
        login(client, "gh0006", "wrong-password")
    assert login(client, "gh0006").status_code == 302
    client.logout()
    for _attempt in range(4):
        assert login(client, "gh0006", "wrong-password").status_code == 200
    assert login(client, "gh0006").status_code == 302
    assert logged_in_as(client, user)


def test_admin_reset_lifts_the_lockout(client, county, make_user):
    from grassroots.accounts import services
    from grassroots.orgs.tests.factories import PersonFactory

    admin = make_user("committee_admin", county.town)
    user = make_user(username="gh0007", person=PersonFactory(primary_org=county.community))
    for _attempt in range(5):
        login(client, "gh0007", "wrong-password")
    assert login(client, "gh0007").status_code == 429
    temporary = services.user_reset_password(user=user, actor=admin)
    assert login(client, "gh0007", temporary).status_code == 302


def test_inactive_user_is_refused(client, make_user):
    make_user(username="gh0008", is_active=False)
    response = login(client, "gh0008")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, make_user):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_as(client, user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_applies_djangos_validators(client, make_user):
    user = make_user()
    client.force_login(user)
    url = reverse("accounts:password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    same = client.post(
        url, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert "新密码不能与原密码相同" in same.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    good = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Hong-qi-2027",
            "new_password2": "Hong-qi-2027",
        },
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hong-qi-2027")
    assert logged_in_as(client, user)  # the session survives its own password change


def test_production_hashes_passwords_with_argon2():
    import config.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_page_shows_the_platform_name_not_the_host(client):
    page = client.get("/accounts/login/").content.decode()
    assert "基层党建工作平台" in page and "testserver" not in page
