"""Pages of a meeting's attendance: the QR screen shown in the room and the check-in link its
code holds, the manager's hand marks (one row at a time over htmx, or everyone still waiting),
and extra attendees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import checkin_views
from grassroots.orgs.models import Person

from ..enums import MeetingStatus
from ..forms_minutes import ExtraAddForm, ExtraSearchForm, MarkForm
from ..selectors import attendance as selectors
from ..services import attendance as services
from ..services.meetings import meeting_url

TOKEN_KIND = "meeting"


def meeting_crumbs(meeting, *extra):
    return [{"label": meeting.title, "url": meeting_url(meeting)}, *extra]


# --- The check-in screen and link ----------------------------------------------------------


def _qr_context(request, meeting) -> dict:
    link = checkin_views.checkin_url(
        request, kind=TOKEN_KIND, url_name="meetings:meeting_checkin", pk=meeting.pk
    )
    refresh_url = reverse("meetings:meeting_qr_code", args=[meeting.pk])
    meeting.refresh_from_db(
        fields=["present_count", "expected_count", "leave_count", "extra_count", "status"]
    )
    return {
        "meeting": meeting,
        "event": meeting,
        **checkin_views.qr_context(request, link=link, refresh_url=refresh_url),
    }


@login_required
def meeting_qr(request, pk):
    """签到二维码: the screen shown in the room; its code is renewed every minute."""
    meeting = selectors.access_managed_meeting(request.user, pk)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, _("该会议已取消，无需签到。"))
        return redirect(meeting_url(meeting))
    context = _qr_context(request, meeting)
    context["crumbs"] = meeting_crumbs(meeting, {"label": _("签到二维码")})
    return render(request, "meetings/checkin/qr_screen.html", context)


@login_required
def meeting_qr_code(request, pk):
    meeting = selectors.access_managed_meeting(request.user, pk)
    if meeting.status == MeetingStatus.CANCELLED:
        return HttpResponse(status=204)
    return render(request, "meetings/checkin/_qr_code.html", _qr_context(request, meeting))


@login_required
def meeting_checkin(request, pk):
    """What a scan of the screen's code opens: checks the person in once, or says in plain
    words why not. Repeating it (a second scan, a reload) changes nothing."""
    context: dict = {"crumbs": [{"label": _("会议签到")}]}

    def find(meeting_pk):
        meeting = selectors.meeting_for_checkin(meeting_pk)
        if meeting is not None:
            context["meeting_link"] = meeting_url(meeting)
        return meeting

    return checkin_views.scan(
        request,
        pk,
        kind=TOKEN_KIND,
        name="meeting",
        find=find,
        check_in=lambda meeting, token: services.meeting_check_in(
            meeting=meeting, actor=request.user
        ),
        template="meetings/checkin/checkin_result.html",
        context=context,
    )


# --- Hand marks --------------------------------------------------------------------------------


def _panel_response(request, meeting, *, row=None, row_error: str = ""):
    """After an htmx mark: the row again and, out of band, the counters."""
    meeting.refresh_from_db(
        fields=["present_count", "expected_count", "leave_count", "extra_count", "status"]
    )
    now = timezone.now()
    context = {
        "meeting": meeting,
        "a": row,
        "row_error": row_error,
        "can_manage_records": meeting.status != MeetingStatus.CANCELLED,
        "checkin_open": now >= meeting.starts_at - services.CHECKIN_OPENS_BEFORE,
        "meeting_has_ended": now >= meeting.ends_at,
    }
    return render(request, "meetings/checkin/_row_response.html", context)


@login_required
@require_POST
def attendance_mark(request, pk, attendance_pk):
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    attendance = selectors.access_attendance(user, meeting, attendance_pk)
    attendance, error = checkin_views.hand_mark(
        request,
        attendance,
        MarkForm(request.POST),
        lambda status, reason: services.attendance_mark(
            attendance=attendance, status=status, reason=reason, actor=user
        ),
    )
    if not request.htmx:
        return redirect(meeting_url(meeting) + "#attendance")
    row = selectors.access_attendance(user, meeting, attendance.pk)
    return _panel_response(request, meeting, row=row, row_error=error)


def _bulk(request, pk, act, done):
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    try:
        count = act(meeting=meeting, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"n": count})
    return redirect(meeting_url(meeting) + "#attendance")


@login_required
@require_POST
def attendance_all_present(request, pk):
    return _bulk(
        request, pk, services.attendance_mark_all_present, _("已将 %(n)d 名未签到人员登记为出席。")
    )


@login_required
@require_POST
def attendance_rest_absent(request, pk):
    return _bulk(
        request, pk, services.attendance_mark_rest_absent, _("已将 %(n)d 名未签到人员登记为缺席。")
    )


@login_required
def attendance_add_extra(request, pk):
    """A person picker: search by name, then add the one who attended."""
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    search = ExtraSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    error = ""
    if request.method == "POST":
        form = ExtraAddForm(request.POST)
        person = None
        if form.is_valid():
            person = Person.objects.filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            error = _("请选择人员。")
        else:
            try:
                services.attendance_add_extra(meeting=meeting, person=person, actor=user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, _("已将 %(name)s 登记为临时参会人员。") % {"name": person.name}
                )
                return redirect(meeting_url(meeting) + "#attendance")
    candidates = list(services.extra_candidates(user, meeting, query)) if query else []
    return render(
        request,
        "meetings/checkin/add_extra.html",
        {
            "meeting": meeting,
            "search": search,
            "query": query,
            "candidates": candidates,
            "error": error,
            "crumbs": meeting_crumbs(meeting, {"label": _("登记临时参会人员")}),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def attendance_remove_extra(request, pk, attendance_pk):
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    attendance = selectors.access_attendance(user, meeting, attendance_pk)
    try:
        services.attendance_remove_extra(attendance=attendance, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已移除 %(name)s。") % {"name": attendance.person.name})
    return redirect(meeting_url(meeting) + "#attendance")
