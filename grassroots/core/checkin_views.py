"""The pages around a check-in code, shared by every kind of event (study sessions, meetings,
activities): the code shown on the event's screen and renewed by htmx, and the page a scan
opens, which reads the token back, checks the person in once and says what happened.

Also an organizer's hand mark of one row. The apps keep their own permissions, services and
wording; here is only the flow they share.
Templates: includes/qr_screen.html, includes/qr_code.html and includes/checkin_result.html,
each extended by the app's own page for its counters and messages.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import checkin


def checkin_url(request, *, kind: str, url_name: str, pk: int, action: str = "in") -> str:
    """The absolute link a code holds: the scan page `url_name` of event `pk`, with a fresh
    token of `kind`."""
    token = checkin.make_token(kind, pk, action)
    path = reverse(url_name, args=[pk]) + "?" + urlencode({"t": token})
    return request.build_absolute_uri(path)


def qr_context(request, *, link: str, refresh_url: str) -> dict:
    """What includes/qr_code.html shows: the code of `link`, and where htmx fetches the next."""
    return {
        "checkin_url": link,
        "qr": checkin.qr_svg(link, scale=8),
        "qr_refresh_url": refresh_url,
        "refresh_seconds": checkin.REFRESH_SECONDS,
        "valid_minutes": checkin.DEFAULT_MAX_AGE // 60,
        "generated_at": timezone.now(),
    }


def scan(
    request,
    pk: int,
    *,
    kind: str,
    name: str,
    find: Callable,
    check_in: Callable,
    template: str,
    context: dict,
) -> HttpResponse:
    """What a scan opens: checks the person in once, or says in plain words why not (an
    expired or forged code, the code of another event, a refusal of the service). Repeating it
    (a second scan, a reload) changes nothing.

    `find(object_id)` loads the event the token names (None: 404); `check_in(event, token)`
    is the app's service and returns its result. The page gets the event as `event` and as
    `name`, the result and the token's action."""
    try:
        token = checkin.read_token(request.GET.get("t", ""), kind, pk)
    except ValidationError as exc:
        return result_page(request, template, context, error=exc.messages[0])
    event = find(token.object_id)
    if event is None:
        raise Http404
    context.update({"event": event, name: event})
    try:
        result = check_in(event, token)
    except ValidationError as exc:
        return result_page(request, template, context, error=exc.messages[0])
    context.update(result=result, action=token.action)
    return result_page(request, template, context)


def result_page(request, template: str, context: dict, *, error: str = "") -> HttpResponse:
    context["error"] = error
    return render(request, template, context, status=400 if error else 200)


def hand_mark(request, attendance, form, mark: Callable) -> tuple:
    """An organizer's hand mark of one attendance row (status and reason from `form`, then
    `mark(status, reason)`, the app's service): the row as it is now and "", or the row
    unchanged and the refusal in words. Without htmx the outcome is also a flash message, for
    the page the view redirects to."""
    error = ""
    if not form.is_valid():
        error = _("请选择出勤状态。")
    else:
        try:
            attendance = mark(form.cleaned_data["status"], form.cleaned_data["reason"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("已登记 %(name)s 的出勤。") % {"name": attendance.person.name}
            )
    return attendance, error
