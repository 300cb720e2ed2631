"""How an API request is authenticated: a personal access token, or the browser's session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from grassroots.accounts.tokens.services import TokenRejected, token_authenticate


class TokenAuthError(AuthenticationError):
    """A token was presented and refused; its message says why (unknown, revoked, expired)."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=401, message=message)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gr_…`: a personal access token created on the tokens page."""

    def authenticate(self, request: HttpRequest, token: str):
        try:
            api_token = token_authenticate(token)
        except TokenRejected as exc:
            # Raised rather than returned as None: a refused token must not fall through to
            # the session, and the client learns why it was refused.
            raise TokenAuthError(exc.message) from None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """A logged-in browser user (CSRF-checked by ninja for unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


token_auth = TokenAuth()
session_auth = ActiveSessionAuth()
