from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .registry import home_counters


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counters = [c for c in (item.compute(request) for item in home_counters.items()) if c]
    return render(request, "core/home.html", {"counters": counters})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def render_list(request: HttpRequest, page: str, partial: str, target: str, context: dict):
    """A list page, or only its table when htmx asks to refresh the element `target`."""
    htmx = getattr(request, "htmx", None)
    return render(request, partial if htmx and htmx.target == target else page, context)
