from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: one indexed count, paid only by pages that render the top bar.
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
