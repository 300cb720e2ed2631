"""Pages of study plans, sessions, attendance (with the QR check-in screen and the check-in
link it shows), leave requests, make-up study and the review queue."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import checkin_views, permissions
from grassroots.core.audit import history_for
from grassroots.core.downloads import attachment_response
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base, render_list, simple_form_page
from grassroots.orgs.selectors import subtree_choices

from ..enums import AttendanceStatus, Audience, ReviewStatus, SessionStatus
from ..forms.sessions import (
    CancelForm,
    LeaveForm,
    MakeUpForm,
    MarkForm,
    PlanForm,
    ReviewForm,
    SessionFilterForm,
    SessionForm,
)
from ..selectors import sessions as selectors
from ..services import sessions as services
from ..services.hours import may_review_entry

PAGE_SIZE = 30
ATTENDANCE_PAGE_SIZE = 100
VIEW, MANAGE, REVIEW = selectors.VIEW, selectors.MANAGE, selectors.REVIEW


def _crumbs(*extra):
    return [{"label": _("学习活动"), "url": reverse("study:sessions")}, *extra]


def _session_crumbs(session, *extra):
    return _crumbs(
        {"label": session.title, "url": reverse("study:session_detail", args=[session.pk])}, *extra
    )


def evidence_response(fieldfile, label: str) -> FileResponse:
    """Evidence of a make-up or self-study, named after what it is (the uploaded name is not
    kept)."""
    if not fieldfile:
        raise Http404
    return attachment_response(fieldfile, f"{label}{PurePath(fieldfile.name).suffix.lower()}")


# --- Plans ---------------------------------------------------------------------------------


def _plan_crumbs(*extra):
    return [{"label": _("学习计划"), "url": reverse("study:plans")}, *extra]


@login_required
def plan_list(request):
    user = request.user
    if not (permissions.has_any(user, VIEW) or permissions.has_any(user, MANAGE)):
        raise PermissionDenied
    year = request.GET.get("year")
    try:
        year = int(year) if year else None
    except ValueError:
        year = None
    org = None
    if request.GET.get("org"):
        try:
            org = selectors.access_organization(user, request.GET["org"])
        except Http404:
            org = None
    plans = selectors.plan_list(user, year=year, organization=org)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    return render(
        request,
        "study/sessions/plan_list.html",
        {
            "page_obj": page,
            "year": year,
            "org": org,
            "years": range(this_year + 1, this_year - 5, -1),
            "org_choices": subtree_choices(user, VIEW),
            "querystring_base": querystring_base(request),
            "can_manage": permissions.has_any(user, MANAGE),
            "crumbs": _plan_crumbs(),
        },
    )


def _plan_form(request, instance=None):
    user = request.user
    initial = {}
    if instance is None:
        current = selectors.default_organization(request, MANAGE)
        if current is not None:
            initial["organization"] = current.pk
    return PlanForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        organizations=selectors.manageable_organizations(user),
        materials=selectors.material_choices(user),
    )


@login_required
def plan_create(request):
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    form = _plan_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = data.pop("organization")
        try:
            plan = services.plan_create(organization=organization, actor=user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已制定学习计划“%(title)s”。") % {"title": plan.title})
            return redirect("study:plan_detail", plan.pk)
    return render(
        request,
        "study/sessions/plan_form.html",
        {
            "form": form,
            "title": _("制定学习计划"),
            "crumbs": _plan_crumbs({"label": _("制定学习计划")}),
        },
    )


@login_required
def plan_edit(request, pk):
    user = request.user
    plan = selectors.access_plan(user, pk, MANAGE)
    form = _plan_form(request, plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_update(plan=plan, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("study:plan_detail", plan.pk)
    return render(
        request,
        "study/sessions/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "title": _("编辑学习计划"),
            "crumbs": _plan_crumbs(
                {"label": plan.title, "url": reverse("study:plan_detail", args=[plan.pk])},
                {"label": _("编辑")},
            ),
        },
    )


@login_required
def plan_detail(request, pk):
    user = request.user
    plan = selectors.access_plan(user, pk)
    sessions = list(selectors.plan_sessions(user, plan))
    scheduled = [s for s in sessions if s.status != SessionStatus.CANCELLED]
    return render(
        request,
        "study/sessions/plan_detail.html",
        {
            "plan": plan,
            "topics": [t.strip() for t in plan.topics.splitlines() if t.strip()],
            "materials": plan.materials.select_related("organization"),
            "sessions": sessions,
            "scheduled_hours": sum((s.hours for s in scheduled), 0),
            "can_manage": permissions.user_can(user, MANAGE, plan),
            "history": history_for(user, plan),
            "crumbs": _plan_crumbs({"label": plan.title}),
        },
    )


# --- Sessions -----------------------------------------------------------------------------


def _session_filter(request) -> tuple[SessionFilterForm, selectors.SessionFilter]:
    form = SessionFilterForm(request.GET)
    form.is_valid()
    cleaned = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    org = None
    if cleaned.get("org"):
        try:
            org = selectors.access_organization(request.user, cleaned["org"])
        except Http404:
            org = None
    flt = selectors.SessionFilter(
        when=cleaned.get("when") or "upcoming",
        organization=org,
        kind=cleaned.get("kind", ""),
        year=cleaned.get("year"),
        query=cleaned.get("q", ""),
        mine=bool(cleaned.get("mine")),
    )
    return form, flt


@login_required
def session_list(request):
    user = request.user
    form, flt = _session_filter(request)
    page = Paginator(selectors.session_list(user, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    can_view = permissions.has_any(user, VIEW) or permissions.has_any(user, MANAGE)
    context = {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "now": timezone.now(),
        "org_choices": subtree_choices(user, VIEW) if can_view else [],
        "querystring_base": querystring_base(request),
        "can_manage": permissions.has_any(user, MANAGE),
        "can_review": permissions.has_any(user, REVIEW),
        "can_view": can_view,
        "crumbs": _crumbs(),
    }
    return render_list(
        request,
        "study/sessions/session_list.html",
        "study/sessions/_session_table.html",
        "session-table",
        context,
    )


def _session_form(request, instance=None):
    user = request.user
    initial = {}
    organization = instance.organization if instance else None
    if instance is None:
        organization = selectors.default_organization(request, MANAGE)
        if organization is not None:
            initial["organization"] = organization.pk
        initial["audience"] = Audience.MEMBERS
        if request.GET.get("plan"):
            initial["plan"] = request.GET["plan"]
    elif instance.audience == Audience.SELECTED:
        initial["people"] = list(instance.attendances.values_list("person_id", flat=True))
    form = SessionForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        organizations=selectors.manageable_organizations(user),
        plans=selectors.plan_choices(user),
        materials=selectors.material_choices(user),
        people=selectors.people_in_scope(user),
    )
    options = selectors.people_choices(user, organization)
    chosen = form.selected_people_ids()
    shown = {p.pk for p in options}
    missing = chosen - shown
    if missing:
        # Those chosen earlier stay visible (and checked) even beyond the capped list.
        options = list(selectors.people_in_scope(user).filter(pk__in=missing)) + options
    return form, options, chosen


@login_required
def session_create(request):
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    form, options, chosen = _session_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        organization = form.cleaned_data["organization"]
        try:
            session = services.session_create(organization=organization, actor=user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已安排学习活动“%(title)s”，应到 %(n)d 人。")
                % {"title": session.title, "n": session.expected_count},
            )
            return redirect("study:session_detail", session.pk)
    return render(
        request,
        "study/sessions/session_form.html",
        {
            "form": form,
            "people_options": options,
            "chosen": chosen,
            "title": _("安排学习活动"),
            "crumbs": _crumbs({"label": _("安排学习活动")}),
        },
    )


@login_required
def session_edit(request, pk):
    user = request.user
    session = selectors.access_session(user, pk, MANAGE)
    if session.status == SessionStatus.CANCELLED:
        messages.error(request, _("该学习活动已取消，不能再修改。"))
        return redirect("study:session_detail", session.pk)
    form, options, chosen = _session_form(request, session)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_update(session=session, actor=user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("study:session_detail", session.pk)
    return render(
        request,
        "study/sessions/session_form.html",
        {
            "form": form,
            "session": session,
            "people_options": options,
            "chosen": chosen,
            "title": _("编辑学习活动"),
            "crumbs": _session_crumbs(session, {"label": _("编辑")}),
        },
    )


@login_required
def session_cancel(request, pk):
    user = request.user
    session = selectors.access_session(user, pk, MANAGE)
    return _reason_page(
        request,
        session,
        CancelForm(request.POST or None),
        act=lambda reason: services.session_cancel(session=session, actor=user, reason=reason),
        done=_("已取消该学习活动，并通知了参加人员。"),
        title=_("取消学习活动"),
        crumb=_("取消"),
        danger=True,
    )


def _reason_page(request, session, form, *, act, done, title, crumb, danger=False):
    """A page with one reason to give (cancelling a session, asking for leave): the form, the
    service called with the reason, its refusal on the form or the session page after it."""
    return simple_form_page(
        request,
        form,
        act=lambda data: act(data["reason"]),
        done=done,
        back=reverse("study:session_detail", args=[session.pk]),
        title=title,
        subject=session.title,
        crumbs=_session_crumbs(session, {"label": crumb}),
        danger=danger,
    )


@login_required
@require_POST
def session_close(request, pk):
    user = request.user
    session = selectors.access_session(user, pk, MANAGE)
    try:
        count = services.session_close_attendance(session=session, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已结束签到，%(n)d 人记为缺席。") % {"n": count})
    return redirect("study:session_detail", session.pk)


@login_required
@require_POST
def session_mark_all_present(request, pk):
    user = request.user
    session = selectors.access_session(user, pk, MANAGE)
    try:
        count = services.attendance_mark_all_present(session=session, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已将 %(n)d 名未签到人员记为出席。") % {"n": count})
    return redirect("study:session_detail", session.pk)


def _attendance_context(request, session) -> dict:
    status = request.GET.get("status", "")
    query = (request.GET.get("q") or "").strip()[:40]
    rows = selectors.session_attendances(session, status=status, query=query)
    page = Paginator(rows, ATTENDANCE_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "attendance_page": page,
        "page_obj": page,
        "attendance_status": status,
        "attendance_query": query,
        "querystring_base": querystring_base(request),
        "counts": selectors.attendance_counts(session),
    }


@login_required
def session_detail(request, pk):
    user = request.user
    session = selectors.access_session(user, pk)
    can_manage = permissions.user_can(user, MANAGE, session)
    can_view_all = can_manage or permissions.user_can(user, VIEW, session)
    now = timezone.now()
    context = {
        "session": session,
        "now": now,
        "mine": selectors.my_attendance(user, session),
        "can_manage": can_manage,
        "can_view_all": can_view_all,
        "is_cancelled": session.status == SessionStatus.CANCELLED,
        "has_started": now >= session.starts_at,
        "has_ended": now >= session.ends_at,
        "has_opened": now >= session.starts_at - services.SIGN_IN_OPENS_BEFORE,
        "materials": session.materials.select_related("organization"),
        "statuses": AttendanceStatus.choices,
        "history": history_for(user, session),
        "crumbs": _session_crumbs(session),
    }
    if can_view_all:
        context.update(_attendance_context(request, session))
    return render_list(
        request,
        "study/sessions/session_detail.html",
        "study/sessions/_attendance_table.html",
        "attendance-table",
        context,
    )


@login_required
@require_POST
def attendance_mark(request, pk, attendance_pk):
    user = request.user
    session = selectors.access_session(user, pk, MANAGE)
    attendance = selectors.access_attendance(user, session, attendance_pk)
    attendance, error = checkin_views.hand_mark(
        request,
        attendance,
        MarkForm(request.POST),
        lambda status, reason: services.attendance_mark(
            attendance=attendance, status=status, reason=reason, actor=user
        ),
    )
    if not request.htmx:
        return redirect("study:session_detail", session.pk)
    attendance = selectors.access_attendance(user, session, attendance.pk)
    session.refresh_from_db(fields=["present_count", "expected_count"])
    return render(
        request,
        "study/sessions/_attendance_row_response.html",
        {
            "session": session,
            "a": attendance,
            "can_manage": True,
            "row_error": error,
            "counts": selectors.attendance_counts(session),
        },
        status=200,
    )


# --- The check-in screen and link ----------------------------------------------------------


def _qr_context(request, session) -> dict:
    action = "out" if request.GET.get("action") == "out" else "in"
    link = checkin_views.checkin_url(
        request, kind="study", url_name="study:checkin", pk=session.pk, action=action
    )
    refresh_url = reverse("study:session_qr_code", args=[session.pk]) + f"?action={action}"
    session.refresh_from_db(fields=["present_count", "expected_count", "status"])
    return {
        "session": session,
        "event": session,
        "action": action,
        **checkin_views.qr_context(request, link=link, refresh_url=refresh_url),
    }


@login_required
def session_qr(request, pk):
    """签到二维码: the screen the organizer shows in the room; its code is renewed every minute."""
    session = selectors.access_session(request.user, pk, MANAGE)
    if session.status == SessionStatus.CANCELLED:
        messages.error(request, _("该学习活动已取消，无需签到。"))
        return redirect("study:session_detail", session.pk)
    context = _qr_context(request, session)
    context["crumbs"] = _session_crumbs(session, {"label": _("签到二维码")})
    return render(request, "study/sessions/qr_screen.html", context)


@login_required
def session_qr_code(request, pk):
    session = selectors.access_session(request.user, pk, MANAGE)
    return render(request, "study/sessions/_qr_code.html", _qr_context(request, session))


def _sign(session, token, actor):
    write = services.attendance_sign_out if token.action == "out" else services.attendance_sign_in
    return write(session=session, actor=actor)


@login_required
def checkin_view(request, pk):
    """What a scan of the screen's code opens: signs the member in (or out) once, or says in
    plain words why not. Repeating it (a second scan, a reload) changes nothing."""
    return checkin_views.scan(
        request,
        pk,
        kind="study",
        name="session",
        find=selectors.session_for_checkin,
        check_in=lambda session, token: _sign(session, token, request.user),
        template="study/sessions/checkin_result.html",
        context={"crumbs": [{"label": _("签到")}]},
    )


# --- Leave (请假) ---------------------------------------------------------------------------


@login_required
def leave_request(request, pk):
    user = request.user
    session = selectors.access_session(user, pk)
    mine = selectors.my_attendance(user, session)
    if mine is None:
        raise Http404
    return _reason_page(
        request,
        session,
        LeaveForm(request.POST or None, initial={"reason": mine.leave_reason}),
        act=lambda reason: services.leave_request(session=session, actor=user, reason=reason),
        done=_("已请假。"),
        title=_("请假"),
        crumb=_("请假"),
    )


@login_required
@require_POST
def leave_withdraw(request, pk):
    user = request.user
    session = selectors.access_session(user, pk)
    try:
        services.leave_withdraw(session=session, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤销请假。"))
    return redirect("study:session_detail", session.pk)


# --- Make-up study (补学) -------------------------------------------------------------------


@login_required
def makeup_submit(request, attendance_pk):
    user = request.user
    attendance = selectors.access_own_attendance(user, attendance_pk)
    existing = getattr(attendance, "makeup", None)
    initial = {"note": existing.note, "link": existing.link} if existing else {}
    form = MakeUpForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            makeup = services.makeup_submit(attendance=attendance, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已提交补学，请等待审核。"))
            return redirect("study:makeup_detail", makeup.pk)
    session = attendance.session
    return render(
        request,
        "study/sessions/makeup_form.html",
        {
            "form": form,
            "attendance": attendance,
            "session": session,
            "existing": existing,
            "crumbs": _session_crumbs(session, {"label": _("提交补学")}),
        },
    )


def review_decision(request, entry, *, author_id: int, approve, send_back, approved, returned):
    """The review form of a make-up or self-study entry and, on POST, the reviewer's decision
    (`approve` or `send_back`, each called with the comment). Returns (form, can_review, done),
    done when the decision was applied; a refused move puts its message on the form."""
    can_review = entry.status == ReviewStatus.SUBMITTED and may_review_entry(
        request.user, entry, author_id
    )
    form = ReviewForm(request.POST or None)
    if request.method != "POST":
        return form, can_review, False
    if not can_review:
        raise PermissionDenied
    if form.is_valid():
        approving = request.POST.get("decision") == "approve"
        try:
            (approve if approving else send_back)(form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, approved if approving else returned)
            return form, can_review, True
    return form, can_review, False


@login_required
def makeup_detail(request, pk):
    user = request.user
    makeup = selectors.access_makeup(user, pk)
    form, can_review, done = review_decision(
        request,
        makeup,
        author_id=makeup.attendance.person_id,
        approve=lambda comment: services.makeup_approve(makeup=makeup, actor=user, comment=comment),
        send_back=lambda comment: services.makeup_return(
            makeup=makeup, actor=user, comment=comment
        ),
        approved=_("已通过该补学，学时已计入。"),
        returned=_("已退回该补学。"),
    )
    if done:
        return redirect("study:review_queue")
    session = makeup.attendance.session
    return render(
        request,
        "study/sessions/makeup_detail.html",
        {
            "makeup": makeup,
            "session": session,
            "form": form,
            "can_review": can_review,
            "is_owner": makeup.attendance.person_id == user.person_id,
            "history": history_for(user, makeup),
            "crumbs": _session_crumbs(session, {"label": _("补学")}),
        },
    )


@login_required
def makeup_file(request, pk):
    makeup = selectors.access_makeup(request.user, pk)
    return evidence_response(makeup.file, _("补学佐证材料"))


# --- The review queue ------------------------------------------------------------------------


@login_required
def review_queue(request):
    user = request.user
    if not permissions.has_any(user, REVIEW):
        raise PermissionDenied
    tab = "self" if request.GET.get("tab") == "self" else "makeup"
    org = None
    if request.GET.get("org"):
        try:
            org = selectors.access_organization(user, request.GET["org"], REVIEW)
        except Http404:
            org = None
    makeups = selectors.makeup_queue(user, organization=org)
    selfs = selectors.self_study_queue(user, organization=org)
    rows = makeups if tab == "makeup" else selfs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "study/sessions/review_queue.html",
        {
            "tab": tab,
            "org": org,
            "page_obj": page,
            "makeup_count": page.paginator.count if tab == "makeup" else makeups.count(),
            "self_count": page.paginator.count if tab == "self" else selfs.count(),
            "org_choices": subtree_choices(user, REVIEW),
            "querystring_base": querystring_base(request),
            "crumbs": [{"label": _("学习审核")}],
        },
    )
