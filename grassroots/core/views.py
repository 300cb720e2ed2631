from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import permissions, selectors, services
from .forms import HolidayImportForm, apply_service_errors
from .registry import home_counters


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counters = [c for c in (item.compute(request) for item in home_counters.items()) if c]
    # Without any grant and any record of one's own, a new account sees what to ask for.
    unassigned = not permissions.scopes(request.user) and not request.user.person_id
    return render(request, "core/home.html", {"counters": counters, "unassigned": unassigned})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def querystring_base(request: HttpRequest) -> str:
    """The list's query string without its page, ready for "?{{ base }}page=N" links."""
    query = request.GET.copy()
    query.pop("page", None)
    return (query.urlencode() + "&") if query else ""


def simple_form_page(
    request: HttpRequest,
    form,
    *,
    act,
    done: str,
    back: str,
    title: str,
    subject: str,
    crumbs: list,
    danger: bool = False,
    form_testid: str = "",
) -> HttpResponse:
    """A page of one short form about one record (a reason to cancel, a leave, a report):
    `act(cleaned_data)` calls the service; its refusal stays on the form, success says `done`
    and goes `back` to the record's page (also the page's way back)."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "includes/simple_form.html",
        {
            "form": form,
            "form_testid": form_testid,
            "title": title,
            "subject": subject,
            "danger": danger,
            "back": back,
            "crumbs": crumbs,
        },
    )


def render_list(request: HttpRequest, page: str, partial: str, target: str, context: dict):
    """A list page, or only its table when htmx asks to refresh the element `target`."""
    htmx = getattr(request, "htmx", None)
    return render(request, partial if htmx and htmx.target == target else page, context)


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """节假日: where each year's working days come from, the admin's table, and its import."""
    if not services.may_manage_calendar(request.user):
        raise PermissionDenied
    form = HolidayImportForm(request.POST or None)
    if request.method == "POST" and "delete" in request.POST:
        day = selectors.calendar_day(request.POST.get("delete"))
        if day is not None:
            services.calendar_day_delete(day=day, actor=request.user)
            messages.success(request, _("已删除 %(d)s 的调整。") % {"d": day.date.isoformat()})
        return redirect("core:calendar")
    if request.method == "POST" and form.is_valid():
        try:
            count = services.calendar_import(text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已导入 %(n)d 天。") % {"n": count})
            return redirect("core:calendar")
    this_year = timezone.localdate().year
    return render(
        request,
        "core/calendar.html",
        {
            "form": form,
            "years": selectors.calendar_years(this_year - 1, this_year + 2),
            "days": selectors.calendar_days_from(this_year - 1),
            "crumbs": [{"label": _("节假日")}],
        },
    )
