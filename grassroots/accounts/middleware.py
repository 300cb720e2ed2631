"""Send an account whose password an administrator reset to the password change page first."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

# Pages an account must still reach while its password change is pending.
_ALLOWED_NAMES = (
    "accounts:password_change",
    "accounts:password_changed",
    "accounts:logout",
    "set_language",
)
_ALLOWED_PREFIXES = ("/healthz", "/jsi18n/")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: frozenset[str] | None = None

    def _allowed_paths(self) -> frozenset[str]:
        if self._allowed is None:
            self._allowed = frozenset(reverse(name) for name in _ALLOWED_NAMES)
        return self._allowed

    def _exempt(self, path: str) -> bool:
        if path in self._allowed_paths():
            return True
        prefixes = (*_ALLOWED_PREFIXES, settings.STATIC_URL, settings.MEDIA_URL)
        return any(prefix and path.startswith(prefix) for prefix in prefixes)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not self._exempt(request.path)
        ):
            target = reverse("accounts:password_change")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先修改密码。"), "url": target}, status=403)
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)
