from django.utils.functional import SimpleLazyObject

from .selectors import scope_roots


def org_switcher(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that do not render the top bar pay no query, those that do pay one.
    return {"switcher_orgs": SimpleLazyObject(lambda: list(scope_roots(user)[:50]))}
