"""Personal access tokens (个人访问令牌): create, revoke, and authenticate an API request.

Only the SHA-256 digest of a token and a short prefix are stored; the token itself is
returned once, by `token_create`, and never again.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import ApiToken

TOKEN_PREFIX = "gr_"
PREFIX_LENGTH = 10  # "gr_" and 7 characters: enough to tell tokens apart in the list
MAX_EXPIRY_DAYS = 3650
MAX_LIVE_TOKENS = 20
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# A token is "gr_" + token_urlsafe(32) (43 characters); anything much longer is not ours.
_MAX_TOKEN_LENGTH = 100
# last_used_at is written at most this often per token, so an API client does not cost a
# write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRejected(Exception):
    """The presented token is unknown, revoked, expired, or its account is disabled."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _new_token_value() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def token_create(*, name: str, expires_in_days: int | None = None, actor) -> tuple[ApiToken, str]:
    """Create a token for the actor; returns the row and the token value, shown only once."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("您没有权限执行此操作。"))
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写令牌名称。")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("令牌名称不能超过%(n)d个字符。") % {"n": NAME_MAX_LENGTH}
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        errors["expires_in_days"] = _("有效天数应在1到%(n)d之间。") % {"n": MAX_EXPIRY_DAYS}
    if errors:
        raise ValidationError(errors)
    # Lock the account's row so two concurrent requests cannot both pass the count.
    list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
    now = timezone.now()
    live = (
        ApiToken.objects.filter(user=actor, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )
    if live >= MAX_LIVE_TOKENS:
        raise ValidationError(
            _("有效令牌最多%(n)d个，请先撤销不用的令牌。") % {"n": MAX_LIVE_TOKENS}
        )
    raw = _new_token_value()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        digest=token_digest(raw),
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke one of the actor's own tokens; revoking twice keeps the first time."""
    if actor is None or not actor.is_authenticated or token.user_id != actor.pk:
        raise PermissionDenied(_("您没有权限执行此操作。"))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def token_authenticate(raw: str) -> ApiToken:
    """The live token for a presented value, with its user loaded; raises TokenRejected.

    Not atomic on purpose: it runs on every API request, and its only write (last_used_at,
    at most once a minute) is a single idempotent UPDATE.
    """
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > _MAX_TOKEN_LENGTH:
        raise TokenRejected(_("访问令牌无效。"))
    try:
        token = ApiToken.objects.select_related("user", "user__person").get(
            digest=token_digest(raw)
        )
    except ApiToken.DoesNotExist:
        raise TokenRejected(_("访问令牌无效。")) from None
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRejected(_("访问令牌已撤销。"))
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected(_("访问令牌已过期。"))
    if not token.user.is_active:
        raise TokenRejected(_("账号已停用。"))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # The condition in the UPDATE keeps concurrent requests from writing twice.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token
