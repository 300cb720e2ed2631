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
