"""Personal access tokens: shown once, stored as a digest, revoked or expired → 401."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import ApiToken
from grassroots.accounts.tokens import services
from grassroots.accounts.tokens.services import (
    LAST_USED_RESOLUTION,
    MAX_LIVE_TOKENS,
    TokenRejected,
    token_authenticate,
    token_create,
    token_revoke,
)

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"gr_[A-Za-z0-9_-]{43}")
ME = "/api/v1/me"


def auth(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


# --- The page ----------------------------------------------------------------------


def test_created_token_is_shown_once_and_only_its_digest_is_stored(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("accounts:tokens"), {"name": "报表脚本", "expires_in_days": "30"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = TOKEN_RE.findall(response.content.decode())
    assert len(set(shown)) == 1
    raw = shown[0]

    token = ApiToken.objects.get(user=user)
    assert token.name == "报表脚本"
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[: services.PREFIX_LENGTH]
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(raw in value for value in stored)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)

    again = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in again
    assert not TOKEN_RE.search(again)
    assert token.prefix in again
    assert "报表脚本" in again

    assert client.get(ME, headers=auth(raw)).status_code == 200


def test_the_page_lists_only_the_users_own_tokens_with_their_status(client, make_user):
    user, other = make_user(), make_user()
    token_create(name="我的在用", actor=user)
    revoked, _ = token_create(name="我的撤销", actor=user)
    token_revoke(token=revoked, actor=user)
    expired, _ = token_create(name="我的过期", actor=user)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    token_create(name="别人的令牌", actor=other)
    client.force_login(user)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "我的在用" in page and "我的撤销" in page and "我的过期" in page
    assert "别人的令牌" not in page
    badges = re.findall(r'<span class="badge [^"]*">([^<]+)</span>', page)
    assert sorted(badges) == sorted(["有效", "已撤销", "已过期"])
    assert reverse("api:openapi-view") in page


def test_a_form_error_creates_nothing(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "  ", "expires_in_days": "-3"})
    assert response.status_code == 200
    assert not TOKEN_RE.search(response.content.decode())
    assert not ApiToken.objects.exists()


def test_the_page_requires_login(client, db):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_revoking_own_token_makes_the_api_answer_401(client, make_user):
    user = make_user()
    token, raw = token_create(name="t", actor=user)
    assert client.get(ME, headers=auth(raw)).status_code == 200

    client.force_login(user)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None

    client.logout()
    response = client.get(ME, headers=auth(raw))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "访问令牌已撤销。"


def test_revoking_another_users_token_is_404_and_changes_nothing(client, make_user):
    owner, intruder = make_user(), make_user()
    token, raw = token_create(name="t", actor=owner)
    client.force_login(intruder)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    assert client.get(ME, headers=auth(raw)).status_code == 200


def test_revoke_is_post_only(client, make_user):
    user = make_user()
    token, _ = token_create(name="t", actor=user)
    client.force_login(user)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Services ------------------------------------------------------------------------


def test_token_create_validates_its_input(make_user):
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        token_create(name=" ", actor=user)
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        token_create(name="x" * 61, actor=user)
    assert "name" in exc.value.message_dict
    for days in (0, -1, services.MAX_EXPIRY_DAYS + 1):
        with pytest.raises(ValidationError) as exc:
            token_create(name="ok", expires_in_days=days, actor=user)
        assert "expires_in_days" in exc.value.message_dict
    assert not ApiToken.objects.exists()


def test_token_create_limits_live_tokens(make_user):
    user = make_user()
    tokens = [token_create(name=f"t{i}", actor=user)[0] for i in range(MAX_LIVE_TOKENS)]
    with pytest.raises(ValidationError):
        token_create(name="one too many", actor=user)
    token_revoke(token=tokens[0], actor=user)
    token_create(name="room again", actor=user)


def test_token_revoke_refuses_another_user(make_user):
    owner, intruder = make_user(), make_user()
    token, _ = token_create(name="t", actor=owner)
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, actor=intruder)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_create_refuses_an_inactive_account(make_user):
    with pytest.raises(PermissionDenied):
        token_create(name="t", actor=make_user(is_active=False))


def test_authenticate_accepts_a_live_token_and_refuses_the_rest(make_user):
    user = make_user()
    token, raw = token_create(name="t", actor=user)
    assert token_authenticate(raw).user == user

    for bad in ("", "gr_", "gr_unknown", "not-ours", raw + "x", "gr_" + "a" * 500):
        with pytest.raises(TokenRejected):
            token_authenticate(bad)

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(TokenRejected, match="过期"):
        token_authenticate(raw)


def test_authenticate_refuses_a_disabled_account(make_user):
    user = make_user()
    _, raw = token_create(name="t", actor=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    with pytest.raises(TokenRejected):
        token_authenticate(raw)


def test_last_used_at_is_written_at_most_once_a_minute(make_user, django_assert_num_queries):
    user = make_user()
    token, raw = token_create(name="t", actor=user)
    with django_assert_num_queries(2):  # the lookup, and the first use written
        token_authenticate(raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # within the minute: the lookup only, no write
        token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first

    earlier = timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at > earlier


# --- Through the API -------------------------------------------------------------------


def test_expired_token_is_401_with_a_json_message(client, make_user):
    user = make_user()
    token, raw = token_create(name="t", expires_in_days=1, actor=user)
    assert client.get(ME, headers=auth(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(ME, headers=auth(raw))
    assert response.status_code == 401
    assert response.json() == {"detail": "访问令牌已过期。"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401_even_with_a_logged_in_session(client, make_user):
    user = make_user()
    client.force_login(user)
    assert client.get(ME).status_code == 200  # the session alone is enough
    response = client.get(ME, headers=auth("gr_" + "x" * 43))
    assert response.status_code == 401
    assert response.json() == {"detail": "访问令牌无效。"}


def test_token_of_a_disabled_account_is_401(client, make_user):
    user = make_user()
    _, raw = token_create(name="t", actor=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(ME, headers=auth(raw)).status_code == 401


def test_the_page_answers_in_constant_queries(client, make_user, django_assert_max_num_queries):
    user = make_user()
    client.force_login(user)
    client.get(reverse("accounts:tokens"))
    for i in range(30):
        token, _ = token_create(name=f"t{i}", actor=user)
        token_revoke(token=token, actor=user)
    # session, user, grants and unread messages (top bar), tokens
    with django_assert_max_num_queries(5):
        response = client.get(reverse("accounts:tokens"))
    assert response.content.decode().count('class="list-group-item"') == 30
