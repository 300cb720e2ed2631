"""Log in with the staff number (工号/用户名) or the mobile number."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from grassroots.core.validators import normalize_mobile


class MobileOrStaffNumberBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        username = username.strip()
        users = get_user_model()._default_manager.filter(
            Q(username=username) | Q(mobile=normalize_mobile(username))
        )[:2]
        users = list(users)
        if len(users) != 1:
            # Run the hasher anyway so that timing does not tell which names exist.
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """The account a login attempt is about: its username, whichever identifier was typed."""
    typed = (
        (credentials or {}).get("username")
        or (request.POST.get("username") if request else "")
        or ""
    ).strip()
    if not typed:
        return ""
    user = (
        get_user_model()
        ._default_manager.filter(Q(username=typed) | Q(mobile=normalize_mobile(typed)))
        .only("username")
        .first()
    )
    return user.username if user else typed[:40]
