"""Navigation for the layout: modules register their menu entries in core.navigation."""

from django.conf import settings

from .navigation import menu_for


def navigation(request):
    return {"site_name": settings.SITE_NAME, "nav_items": menu_for(request)}
