"""Navigation for the layout: modules register their menu entries in core.navigation."""

from django.conf import settings

from .navigation import grouped, menu_for


def navigation(request):
    items = menu_for(request)
    return {"site_name": settings.SITE_NAME, "nav_items": items, "nav_menu": grouped(items)}
