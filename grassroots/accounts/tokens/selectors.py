"""Reads of personal access tokens: a user sees and acts on their own tokens only."""

from django.db.models import QuerySet
from django.http import Http404

from grassroots.accounts.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def access_token(user, pk) -> ApiToken:
    """One of the user's own tokens; 404 for another's, as for anything not theirs to see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        return tokens_of(user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
