"""Pages of the meetings: the list, a member's own meetings, scheduling and editing, a
meeting's page with its answers (RSVP) and the manager's actions (notice, held, cancel)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors, year_or_current
from grassroots.core.views import querystring_base, render_list, simple_form_page
from grassroots.orgs.selectors import access_organization, subtree_choices

from ..enums import MeetingStatus, Rsvp
from ..forms import CancelForm, MeetingFilterForm, MeetingForm, RsvpForm
from ..models import MeetingKind
from ..periods import period_of
from ..selectors import meetings as selectors
from ..selectors.attendance import meeting_panels
from ..services import meetings as services

PAGE_SIZE = 30
VIEW, MANAGE = selectors.VIEW, selectors.MANAGE
PEOPLE_SHOWN = 200


def _crumbs(*extra):
    return [{"label": _("会议"), "url": reverse("meetings:meeting_list")}, *extra]


def _meeting_crumbs(meeting, *extra):
    return _crumbs(
        {"label": meeting.title, "url": reverse("meetings:meeting_detail", args=[meeting.pk])},
        *extra,
    )


def _can_view_any(user) -> bool:
    return permissions.has_any(user, VIEW) or permissions.has_any(user, MANAGE)


# --- The list ---------------------------------------------------------------------------------


def _meeting_filter(request) -> tuple[MeetingFilterForm, selectors.MeetingFilter]:
    form = MeetingFilterForm(request.GET)
    form.is_valid()
    cleaned = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    org = None
    if cleaned.get("org"):
        try:
            org = access_organization(request.user, cleaned["org"], VIEW)
        except Http404:
            org = None
    start, end = cleaned.get("start"), cleaned.get("end")
    if cleaned.get("period"):
        current = period_of(timezone.localdate(), cleaned["period"])
        start, end = current.start, current.end - timedelta(days=1)
    flt = selectors.MeetingFilter(
        organization=org,
        kind=cleaned.get("kind"),
        status=cleaned.get("status", ""),
        start=start,
        end=end,
        query=cleaned.get("q", ""),
    )
    return form, flt


@login_required
def meeting_list(request):
    user = request.user
    can_view_any = _can_view_any(user)
    if not can_view_any and not user.person_id:
        raise PermissionDenied
    form, flt = _meeting_filter(request)
    page = Paginator(selectors.meeting_list(user, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "kinds": MeetingKind.objects.order_by("sort_order", "code"),
        "statuses": MeetingStatus.choices,
        "org_choices": subtree_choices(user, VIEW) if can_view_any else [],
        "querystring_base": querystring_base(request),
        "can_manage": permissions.has_any(user, MANAGE),
        "crumbs": _crumbs(),
    }
    return render_list(
        request,
        "meetings/meeting/meeting_list.html",
        "meetings/meeting/_meeting_table.html",
        "meeting-table",
        context,
    )


@login_required
def my_meetings(request):
    """我的会议: the meetings one is on the list of, with one's answer and attendance, and the
    year's attendance rate."""
    user = request.user
    year = year_or_current(request.GET.get("year"))
    rows = selectors.my_meetings(user, year=year)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    return render(
        request,
        "meetings/meeting/my_meetings.html",
        {
            "page_obj": page,
            "year": year,
            "years": range(this_year, this_year - 5, -1),
            "summary": selectors.my_year_attendance(user, year),
            "has_person": bool(user.person_id),
            "now": timezone.now(),
            "querystring_base": querystring_base(request),
            "crumbs": _crumbs({"label": _("我的会议")}),
        },
    )


# --- Scheduling and editing ---------------------------------------------------------------------


def _meeting_form(request, instance=None) -> MeetingForm:
    user = request.user
    initial = {}
    if instance is None:
        current = selectors.default_organization(request)
        if current is not None:
            initial["organization"] = current.pk
    else:
        initial["invited"] = sorted(selectors.invited_ids(instance))
    return MeetingForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        organizations=selectors.manageable_organizations(user),
        kinds=selectors.active_kinds(),
        people=selectors.people_in_view(user),
    )


def _picker_organization(request, form: MeetingForm):
    """The meeting's organization, whose own people are expected anyway and so not offered:
    the saved one, else the one chosen on the form (sent along by the picker's requests)."""
    if form.instance.pk:
        return form.instance.organization
    field = form.fields.get("organization")
    raw = request.GET.get("organization") if request.method == "GET" else None
    raw = raw or form.data.get("organization") or form.initial.get("organization")
    if field is None or not str(raw or "").isdigit():
        return None
    return field.queryset.filter(pk=int(raw)).first()


def _picker_context(request, form: MeetingForm) -> dict:
    """The invited people picker: those chosen, then the first people in view (or those a
    search finds)."""
    query = (request.GET.get("people_q") or "").strip()[:40]
    if request.htmx and request.method == "GET":
        chosen = {int(v) for v in request.GET.getlist("invited") if v.isdigit()}
    else:
        chosen = form.chosen_invited()
    picked, others = selectors.people_options(
        request.user,
        query=query,
        chosen=chosen,
        limit=PEOPLE_SHOWN,
        organization=_picker_organization(request, form),
    )
    return {
        "picked": picked,
        "others": others,
        "people_q": query,
        "people_shown": PEOPLE_SHOWN,
        "lecture_kind": MeetingKind.objects.filter(code="party_lecture").first(),
    }


def _form_page(request, form, context: dict):
    context.update(_picker_context(request, form))
    context["form"] = form
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "people-options":
        return render(request, "meetings/meeting/_people_options.html", context)
    return render(request, "meetings/meeting/meeting_form.html", context)


@login_required
def meeting_create(request):
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    form = _meeting_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            meeting = services.meeting_create(
                organization=form.cleaned_data["organization"], actor=user, **data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            message = _("已安排会议“%(title)s”，应到 %(n)d 人。") % {
                "title": meeting.title,
                "n": meeting.expected_count,
            }
            if meeting.notified_at:
                message += _("会议通知已发送。")
            messages.success(request, message)
            return redirect("meetings:meeting_detail", meeting.pk)
    return _form_page(
        request,
        form,
        {"title": _("安排会议"), "crumbs": _crumbs({"label": _("安排会议")})},
    )


@login_required
def meeting_edit(request, pk):
    user = request.user
    meeting = selectors.access_meeting(user, pk, MANAGE)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, _("已取消的会议不能修改。"))
        return redirect("meetings:meeting_detail", meeting.pk)
    form = _meeting_form(request, meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_update(meeting=meeting, actor=user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:meeting_detail", meeting.pk)
    return _form_page(
        request,
        form,
        {
            "meeting": meeting,
            "title": _("编辑会议"),
            "crumbs": _meeting_crumbs(meeting, {"label": _("编辑")}),
        },
    )


# --- A meeting's page -------------------------------------------------------------------------


def _rsvp_context(meeting, mine, now) -> dict:
    return {
        "meeting": meeting,
        "mine": mine,
        "can_answer": (
            mine is not None
            and mine.role != "extra"
            and meeting.status == MeetingStatus.SCHEDULED
            and now < meeting.ends_at
        ),
    }


@login_required
def meeting_detail(request, pk):
    user = request.user
    meeting = selectors.access_visible_meeting(user, pk)
    can_manage = permissions.user_can(user, MANAGE, meeting)
    can_view_all = can_manage or permissions.user_can(user, VIEW, meeting)
    now = timezone.now()
    panels = meeting_panels(user, meeting, now=now)
    context = {
        "meeting": meeting,
        "now": now,
        "can_manage": can_manage,
        "can_view_all": can_view_all,
        "is_scheduled": meeting.status == MeetingStatus.SCHEDULED,
        "is_cancelled": meeting.status == MeetingStatus.CANCELLED,
        "has_started": now >= meeting.starts_at,
        "has_ended": now >= meeting.ends_at,
        "summary": selectors.expected_summary(meeting),
        "invited": selectors.invited_people(meeting) if can_view_all else [],
        "history": history_for(user, meeting),
        "crumbs": _meeting_crumbs(meeting),
    }
    # The panels found the user's own row already (one query fewer).
    context.update(_rsvp_context(meeting, panels["attendance_mine"], now))
    context.update(panels)
    return render(request, "meetings/meeting/meeting_detail.html", context)


@login_required
@require_POST
def meeting_notice(request, pk):
    user = request.user
    meeting = selectors.access_meeting(user, pk, MANAGE)
    try:
        meeting = services.meeting_send_notice(meeting=meeting, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("会议通知已发送给有账号的参会人员。"))
    return redirect("meetings:meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_held(request, pk):
    user = request.user
    meeting = selectors.access_meeting(user, pk, MANAGE)
    try:
        services.meeting_mark_held(meeting=meeting, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已将会议标记为已召开。"))
    return redirect("meetings:meeting_detail", meeting.pk)


@login_required
def meeting_cancel(request, pk):
    """A page with the reason to give; the service refuses a meeting that cannot be cancelled."""
    user = request.user
    meeting = selectors.access_meeting(user, pk, MANAGE)
    return simple_form_page(
        request,
        CancelForm(request.POST or None),
        act=lambda data: services.meeting_cancel(
            meeting=meeting, actor=user, reason=data["reason"]
        ),
        done=_("已取消该会议，并通知了参会人员。"),
        back=reverse("meetings:meeting_detail", args=[meeting.pk]),
        title=_("取消会议"),
        subject=meeting.title,
        crumbs=_meeting_crumbs(meeting, {"label": _("取消")}),
        danger=True,
        form_testid="reason-form",
    )


@login_required
@require_POST
def meeting_rsvp(request, pk):
    """The member's answer: attending, or leave with a reason. With htmx only the answer's
    card is sent back."""
    user = request.user
    meeting = selectors.access_visible_meeting(user, pk)
    form = RsvpForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("请选择参加或请假。")
    else:
        try:
            services.meeting_rsvp(
                meeting=meeting,
                actor=user,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", None) or [str(exc)])
    done = ""
    if not error:
        done = _("已请假。") if form.cleaned_data["answer"] == Rsvp.LEAVE else _("已回复：参加。")
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect("meetings:meeting_detail", meeting.pk)
    meeting.refresh_from_db()
    context = _rsvp_context(meeting, selectors.my_attendance(user, meeting), timezone.now())
    context.update(rsvp_error=error, rsvp_done=done, reason=request.POST.get("reason", ""))
    return render(request, "meetings/meeting/_rsvp.html", context)
