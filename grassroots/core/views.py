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


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """节假日: where each year's working days come from, the admin's table, and its import."""
    from django import forms
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.shortcuts import redirect
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from . import calendar, services
    from .forms import BootstrapMixin, apply_service_errors
    from .models import CalendarDay

    if not services.may_manage_calendar(request.user):
        raise PermissionDenied

    class ImportForm(BootstrapMixin, forms.Form):
        text = forms.CharField(
            label=_("国务院办公厅公布的放假安排"),
            widget=forms.Textarea(
                attrs={
                    "rows": 6,
                    "placeholder": "2027-02-06..2027-02-12 休 春节\n2027-02-14 班 春节调休",
                }
            ),
            max_length=20_000,
            help_text=_("每行一天或一段日期，写“休”或“班”，可加说明；同一日期再次导入会覆盖。"),
        )

    form = ImportForm(request.POST or None)
    if request.method == "POST" and "delete" in request.POST:
        day = (
            CalendarDay.objects.filter(pk=request.POST.get("delete")).first()
            if request.POST.get("delete", "").isdigit()
            else None
        )
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
    years = [
        {"year": y, "source": calendar.year_source(y)} for y in range(this_year - 1, this_year + 3)
    ]
    days = CalendarDay.objects.filter(date__year__gte=this_year - 1).order_by("date")[:400]
    return render(
        request,
        "core/calendar.html",
        {"form": form, "years": years, "days": days, "crumbs": [{"label": _("节假日")}]},
    )
