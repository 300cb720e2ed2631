"""Pages of activities: the list, the form, the page of one activity with its sign-up list,
check-in (QR screen and the link it shows), photos and report; a member's own activities; and
the volunteer hours (a member's own, an organization's ledger with its Excel export)."""

from __future__ import annotations

from decimal import Decimal

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

from grassroots.core import checkin_views, permissions
from grassroots.core.audit import history_for
from grassroots.core.downloads import image_response
from grassroots.core.forms import apply_service_errors, year_or_current
from grassroots.core.views import querystring_base, render_list, simple_form_page
from grassroots.core.workbooks import append_header, workbook_response
from grassroots.orgs.models import Organization
from grassroots.orgs.selectors import subtree_choices

from ..enums import ActivityKind, ActivityStatus, SignupStatus
from ..forms_activities import (
    ActivityFilterForm,
    ActivityForm,
    CancelForm,
    PhotoForm,
    ReportForm,
    SignupAddForm,
)
from ..selectors import activities as selectors
from ..services import activities as services

PAGE_SIZE = 30
SIGNUP_PAGE_SIZE = 100
LEDGER_PAGE_SIZE = 50
VIEW, MANAGE = selectors.VIEW, selectors.MANAGE


def _crumbs(*extra):
    return [{"label": _("活动"), "url": reverse("meetings:activity_list")}, *extra]


def _activity_crumbs(activity, *extra):
    return _crumbs(
        {"label": activity.title, "url": reverse("meetings:activity_detail", args=[activity.pk])},
        *extra,
    )


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- The list ------------------------------------------------------------------------------


def _filter(request) -> tuple[ActivityFilterForm, selectors.ActivityFilter]:
    form = ActivityFilterForm(request.GET)
    form.is_valid()
    cleaned = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    org = None
    if cleaned.get("org"):
        try:
            org = permissions.access(request.user, VIEW, Organization.objects.all(), cleaned["org"])
        except Http404:
            org = None
    flt = selectors.ActivityFilter(
        when=cleaned.get("when") or "upcoming",
        kind=cleaned.get("kind", ""),
        status=cleaned.get("status", ""),
        organization=org,
        year=cleaned.get("year"),
        query=cleaned.get("q", ""),
    )
    return form, flt


@login_required
def activity_list(request):
    user = request.user
    form, flt = _filter(request)
    page = Paginator(selectors.activity_list(user, flt), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_view = permissions.has_any(user, VIEW) or permissions.has_any(user, MANAGE)
    context = {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "now": timezone.now(),
        "org_choices": subtree_choices(user, VIEW) if can_view else [],
        "querystring_base": querystring_base(request),
        "can_manage": permissions.has_any(user, MANAGE),
        "can_view": can_view,
        "crumbs": _crumbs(),
    }
    return render_list(
        request,
        "meetings/activities/activity_list.html",
        "meetings/activities/_activity_table.html",
        "activity-table",
        context,
    )


@login_required
def my_activities(request):
    user = request.user
    page = Paginator(selectors.my_signups(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/activities/my_activities.html",
        {
            "page_obj": page,
            "no_person": not user.person_id,
            "now": timezone.now(),
            "querystring_base": "",
            "crumbs": _crumbs({"label": _("我的活动")}),
        },
    )


# --- Create and edit -------------------------------------------------------------------------


def _form(request, instance=None) -> ActivityForm:
    user = request.user
    initial = {}
    if instance is None:
        current = getattr(request, "current_org", None)
        if current is not None and permissions.covers(user, MANAGE, current.path):
            initial["organization"] = current.pk
        initial["kind"] = request.GET.get("kind") or ActivityKind.CULTURE
        if request.GET.get("pairing"):
            initial["pairing"] = request.GET["pairing"]
    return ActivityForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        organizations=selectors.manageable_organizations(user),
        pairings=selectors.pairing_choices(user),
    )


@login_required
def activity_create(request):
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                organization=form.cleaned_data["organization"], actor=user, **form.service_data()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已发布活动“%(t)s”。") % {"t": activity.title})
            return redirect("meetings:activity_detail", activity.pk)
    return render(
        request,
        "meetings/activities/activity_form.html",
        {"form": form, "title": _("发布活动"), "crumbs": _crumbs({"label": _("发布活动")})},
    )


@login_required
def activity_edit(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk, MANAGE)
    if activity.status != ActivityStatus.OPEN:
        messages.error(
            request, _("活动当前为“%(s)s”，不能再修改。") % {"s": activity.get_status_display()}
        )
        return redirect("meetings:activity_detail", activity.pk)
    form = _form(request, activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_update(
                activity=activity, actor=user, **form.service_data()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:activity_detail", activity.pk)
    return render(
        request,
        "meetings/activities/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "title": _("编辑活动"),
            "crumbs": _activity_crumbs(activity, {"label": _("编辑")}),
        },
    )


# --- The activity's page ---------------------------------------------------------------------


@login_required
def activity_detail(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk)
    can_manage = permissions.user_can(user, MANAGE, activity)
    can_view_all = can_manage or permissions.user_can(user, VIEW, activity)
    now = timezone.now()
    mine = selectors.my_signup(user, activity)
    context = {
        "activity": activity,
        "now": now,
        "mine": mine,
        "position": selectors.waiting_position(mine) if mine else None,
        "can_manage": can_manage,
        "can_view_all": can_view_all,
        "is_open": activity.status == ActivityStatus.OPEN,
        "is_cancelled": activity.status == ActivityStatus.CANCELLED,
        "has_started": now >= activity.starts_at,
        "deadline_passed": now > activity.signup_deadline,
        "photos": selectors.photos_of(activity),
        "history": history_for(user, activity) if can_manage else None,
        "crumbs": _activity_crumbs(activity),
    }
    if user.person_id and activity.status == ActivityStatus.OPEN:
        context["eligible"] = services.is_eligible(activity, user.person)
    if can_view_all:
        status = request.GET.get("status", "")
        rows = selectors.signups_of(activity, status=status)
        page = Paginator(rows, SIGNUP_PAGE_SIZE).get_page(request.GET.get("page"))
        confirmed_before = 0 if status == SignupStatus.WAITING else activity.confirmed_count
        for index, signup in enumerate(page, start=page.start_index()):
            signup.position = (
                index - confirmed_before if signup.status == SignupStatus.WAITING else None
            )
        context.update(
            page_obj=page,
            signup_status=status,
            statuses=[
                (s, label) for s, label in SignupStatus.choices if s != SignupStatus.CANCELLED
            ],
            querystring_base=querystring_base(request),
        )
    if can_manage and activity.status == ActivityStatus.OPEN:
        context["add_form"] = SignupAddForm(people=selectors.people_to_sign_up(user, activity))
    if can_manage and activity.status != ActivityStatus.CANCELLED:
        context["photo_form"] = PhotoForm()
        context["report_form"] = ReportForm(initial={"report": activity.report})
        context["photo_max_mb"] = services.photo_max_bytes() // (1024 * 1024)
    return render_list(
        request,
        "meetings/activities/activity_detail.html",
        "meetings/activities/_signup_table.html",
        "signup-table",
        context,
    )


@login_required
def activity_cancel(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk, MANAGE)
    return simple_form_page(
        request,
        CancelForm(request.POST or None),
        act=lambda data: services.activity_cancel(
            activity=activity, actor=user, reason=data["reason"]
        ),
        done=_("已取消该活动，并通知了已报名和候补的人员。"),
        back=reverse("meetings:activity_detail", args=[activity.pk]),
        title=_("取消活动"),
        subject=activity.title,
        crumbs=_activity_crumbs(activity, {"label": _("取消")}),
        danger=True,
    )


@login_required
@require_POST
def activity_held(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk, MANAGE)
    try:
        activity = services.activity_mark_held(activity=activity, actor=user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        if activity.kind == ActivityKind.VOLUNTEER:
            messages.success(
                request,
                _("已标记为已开展，%(n)d 名签到人员每人计入 %(h)s 小时志愿服务时长。")
                % {"n": activity.present_count, "h": activity.volunteer_hours},
            )
        else:
            messages.success(request, _("已标记为已开展。"))
    return redirect("meetings:activity_detail", activity.pk)


# --- Sign-up ---------------------------------------------------------------------------------


@login_required
@require_POST
def activity_signup(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk)
    try:
        signup = services.activity_sign_up(activity=activity, actor=user)
    except ValidationError as exc:
        _error(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您不能报名该活动。"))
    else:
        if signup.status == SignupStatus.CONFIRMED:
            messages.success(request, _("报名成功。"))
        else:
            messages.info(
                request, _("名额已满，您已进入候补名单；有人取消时将按报名先后递补并通知您。")
            )
    return redirect("meetings:activity_detail", activity.pk)


@login_required
@require_POST
def activity_signup_cancel(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk)
    try:
        services.activity_cancel_signup(activity=activity, actor=user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("meetings:activity_detail", activity.pk)


@login_required
@require_POST
def activity_signup_manage(request, pk):
    """Managers: add a person by hand (person=…) or remove a sign-up (remove=<signup id>)."""
    user = request.user
    activity = selectors.access_activity(user, pk, MANAGE)
    if request.POST.get("remove"):
        signup = selectors.access_signup(user, activity, request.POST["remove"])
        try:
            services.activity_remove_signup(signup=signup, actor=user)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(
                request, _("已将 %(name)s 移出报名名单。") % {"name": signup.person.name}
            )
    else:
        form = SignupAddForm(request.POST, people=selectors.people_to_sign_up(user, activity))
        if not form.is_valid():
            messages.error(
                request, _("请选择要报名的人员（须属于主办组织及其下级组织，且尚未报名）。")
            )
        else:
            person = form.cleaned_data["person"]
            try:
                signup = services.activity_sign_up_person(
                    activity=activity, person=person, actor=user
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                if signup.status == SignupStatus.CONFIRMED:
                    messages.success(request, _("已为 %(name)s 报名。") % {"name": person.name})
                else:
                    messages.info(
                        request, _("名额已满，%(name)s 已进入候补名单。") % {"name": person.name}
                    )
    return redirect("meetings:activity_detail", activity.pk)


# --- Check-in ----------------------------------------------------------------------------------


def _qr_context(request, activity) -> dict:
    link = checkin_views.checkin_url(
        request, kind="activity", url_name="meetings:activity_checkin", pk=activity.pk
    )
    refresh_url = reverse("meetings:activity_qr_code", args=[activity.pk])
    activity.refresh_from_db(fields=["present_count", "confirmed_count", "status"])
    return {
        "activity": activity,
        "event": activity,
        **checkin_views.qr_context(request, link=link, refresh_url=refresh_url),
    }


@login_required
def activity_qr(request, pk):
    """签到二维码: the screen shown at the activity; its code is renewed every minute."""
    activity = selectors.access_activity(request.user, pk, MANAGE)
    if activity.status == ActivityStatus.CANCELLED:
        messages.error(request, _("该活动已取消，无需签到。"))
        return redirect("meetings:activity_detail", activity.pk)
    context = _qr_context(request, activity)
    context["crumbs"] = _activity_crumbs(activity, {"label": _("签到二维码")})
    return render(request, "meetings/activities/qr_screen.html", context)


@login_required
def activity_qr_code(request, pk):
    activity = selectors.access_activity(request.user, pk, MANAGE)
    return render(request, "meetings/activities/_qr_code.html", _qr_context(request, activity))


@login_required
def activity_checkin(request, pk):
    """What a scan opens: checks the member in once, or says in plain words why not."""
    return checkin_views.scan(
        request,
        pk,
        kind="activity",
        name="activity",
        find=selectors.activity_for_checkin,
        check_in=lambda activity, token: services.activity_check_in(
            activity=activity, actor=request.user
        ),
        template="meetings/activities/checkin_result.html",
        context={"crumbs": [{"label": _("活动签到")}]},
    )


@login_required
@require_POST
def activity_checkin_mark(request, pk, signup_pk):
    user = request.user
    activity = selectors.access_activity(user, pk, MANAGE)
    signup = selectors.access_signup(user, activity, signup_pk)
    present = request.POST.get("present") == "1"
    try:
        services.activity_mark_checkin(signup=signup, present=present, actor=user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        if present:
            messages.success(request, _("已为 %(name)s 登记签到。") % {"name": signup.person.name})
        else:
            messages.success(request, _("已撤销 %(name)s 的签到。") % {"name": signup.person.name})
    return redirect(reverse("meetings:activity_detail", args=[activity.pk]) + "#signups")


# --- Photos and the report ------------------------------------------------------------------


@login_required
def activity_photo_upload(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk, MANAGE)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            photo = selectors.access_photo(user, activity, request.POST["delete"])
            services.activity_photo_delete(photo=photo, actor=user)
            messages.success(request, _("已删除照片。"))
            return redirect(reverse("meetings:activity_detail", args=[activity.pk]) + "#photos")
        if form.is_valid():
            try:
                services.activity_photo_add(
                    activity=activity,
                    actor=user,
                    image=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已上传照片。"))
                return redirect(reverse("meetings:activity_detail", args=[activity.pk]) + "#photos")
    return render(
        request,
        "meetings/activities/photo_form.html",
        {
            "form": form,
            "activity": activity,
            "photo_max_mb": services.photo_max_bytes() // (1024 * 1024),
            "crumbs": _activity_crumbs(activity, {"label": _("上传照片")}),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def activity_photo(request, pk, photo_pk):
    activity = selectors.access_activity(request.user, pk)
    photo = selectors.access_photo(request.user, activity, photo_pk)
    name = photo.image.name.lower()
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    return image_response(photo.image, content_type)


@login_required
def activity_photo_thumb(request, pk, photo_pk):
    activity = selectors.access_activity(request.user, pk)
    photo = selectors.access_photo(request.user, activity, photo_pk)
    return image_response(photo.thumbnail, "image/jpeg")


@login_required
def activity_report(request, pk):
    user = request.user
    activity = selectors.access_activity(user, pk, MANAGE)
    return simple_form_page(
        request,
        ReportForm(request.POST or None, initial={"report": activity.report}),
        act=lambda data: services.activity_report(
            activity=activity, actor=user, report=data["report"]
        ),
        done=_("已保存活动小结。"),
        back=reverse("meetings:activity_detail", args=[activity.pk]),
        title=_("活动小结"),
        subject=activity.title,
        crumbs=_activity_crumbs(activity, {"label": _("活动小结")}),
    )


# --- Volunteer hours -------------------------------------------------------------------------


def _volunteer_crumbs(*extra):
    return [{"label": _("志愿服务时长"), "url": reverse("meetings:volunteer_mine")}, *extra]


@login_required
def volunteer_mine(request):
    user = request.user
    context = {
        "crumbs": _volunteer_crumbs({"label": _("我的志愿服务")}),
        "can_view_ledger": permissions.has_any(user, VIEW),
    }
    if not user.person_id:
        context["no_person"] = True
        return render(request, "meetings/activities/volunteer_mine.html", context)
    year = year_or_current(request.GET.get("year"))
    credits = list(selectors.volunteer_credits_of(user.person_id, year))
    context.update(
        year=year,
        years=selectors.volunteer_years(user.person_id),
        credits=credits,
        total=sum((c.hours for c in credits), Decimal(0)),
    )
    return render(request, "meetings/activities/volunteer_mine.html", context)


def _ledger_args(request):
    user = request.user
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied
    org = None
    if request.GET.get("org"):
        org = permissions.access(user, VIEW, Organization.objects.all(), request.GET["org"])
    else:
        current = getattr(request, "current_org", None)
        if current is not None and permissions.covers(user, VIEW, current.path):
            org = current
        else:
            choices = subtree_choices(user, VIEW, levels=1, limit=1)
            org = choices[0] if choices else None
    if org is None:
        raise PermissionDenied
    year = year_or_current(request.GET.get("year"))
    query = (request.GET.get("q") or "").strip()[:40]
    return org, year, query


@login_required
def volunteer_ledger(request):
    """志愿服务台账: each person's hours of the year in an organization's subtree, and the
    totals per organization."""
    user = request.user
    org, year, query = _ledger_args(request)
    rows = selectors.volunteer_ledger(org, year, query)
    page = Paginator(rows, LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    by_org = selectors.volunteer_by_organization(org, year)
    this_year = timezone.localdate().year
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "meetings/activities/volunteer_ledger.html",
        {
            "org": org,
            "year": year,
            "query": query,
            "years": range(this_year, this_year - 6, -1),
            "page_obj": page,
            "by_org": by_org,
            "total_hours": sum((r["hours"] for r in by_org), 0),
            "org_choices": subtree_choices(user, VIEW),
            "querystring_base": querystring_base(request),
            "export_query": export_query.urlencode(),
            "crumbs": _volunteer_crumbs({"label": _("志愿服务台账")}),
        },
    )


@login_required
def volunteer_export(request):
    org, year, query = _ledger_args(request)
    workbook = _write_ledger(org, year, query)
    filename = _("志愿服务台账-%(org)s-%(year)s.xlsx") % {"org": org.name, "year": year}
    return workbook_response(workbook, filename)


def _write_ledger(org, year: int, query: str):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)

    people = workbook.create_sheet(_("人员"))
    append_header(
        people, [_("序号"), _("姓名"), _("所在组织"), _("活动次数"), _("志愿服务时长（小时）")]
    )
    for number, row in enumerate(selectors.volunteer_ledger(org, year, query).iterator(), start=1):
        people.append(
            [
                number,
                row["person__name"],
                row["organization__name"],
                row["activities"],
                float(row["hours"]),
            ]
        )
    totals = workbook.create_sheet(_("组织合计"))
    append_header(totals, [_("组织"), _("人数"), _("活动数"), _("志愿服务时长（小时）")])
    for row in selectors.volunteer_by_organization(org, year):
        totals.append(
            [row["organization__name"], row["people"], row["activities"], float(row["hours"])]
        )
    return workbook
