"""Resolve the organization a user is working in (the top-bar switcher) once per request."""

from django.utils.functional import SimpleLazyObject

SESSION_KEY = "current_org_id"


def _current_org(request):
    from .selectors import current_organization_for

    return current_organization_for(request.user, request.session.get(SESSION_KEY))


class CurrentOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.current_org = SimpleLazyObject(lambda: _current_org(request))
        return self.get_response(request)
