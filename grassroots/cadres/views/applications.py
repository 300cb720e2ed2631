"""The call as people see it (挂职选派): the programs recruiting that one may answer, a call's
notice and posts with the application form, one's own applications with withdrawal, and the
recommendation form for unit admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.forms import apply_service_errors

from ..enums import ApplicationStatus, ProgramStatus
from ..forms_programs import ApplyForm, RecommendForm
from ..selectors import programs as selectors
from ..selectors.access import VIEW
from ..services import applications as services
from .common import post_action


def _crumbs(*extra):
    return [{"label": _("挂职选派"), "url": reverse("cadres:call_list")}, *extra]


def _call_crumbs(program, *extra):
    return _crumbs(
        {"label": program.title, "url": reverse("cadres:call_detail", args=[program.pk])}, *extra
    )


@login_required
def call_list(request):
    user = request.user
    now = timezone.now()
    return render(
        request,
        "cadres/applications/call_list.html",
        {
            "calls": list(selectors.open_calls(user, now)),
            "recommendable": selectors.recommendable_calls(user, now),
            "has_person": bool(user.person_id),
            "now": now,
            "crumbs": _crumbs(),
        },
    )


def _posts(program):
    return program.posts.select_related("host").order_by("sort_order", "id")


def _can_apply(user, program, mine, now) -> tuple[bool, list[str]]:
    """May the user apply now, and if not why (shown instead of the form)."""
    if mine is not None and mine.status != ApplicationStatus.WITHDRAWN:
        return False, []
    person = selectors.person_of(user)
    if person is None:
        return False, [_("您的账号未关联人员信息，无法报名。")]
    try:
        services.check_call_open(program, now)
    except ValidationError as exc:
        return False, exc.messages
    problems = services.eligibility_problems(program, person)
    return not problems, problems


@login_required
def call_detail(request, pk):
    user = request.user
    program = selectors.access_call(user, pk)
    now = timezone.now()
    mine = selectors.my_application(user, program)
    can_apply, problems = _can_apply(user, program, mine, now)
    posts = list(_posts(program))
    return render(
        request,
        "cadres/applications/call_detail.html",
        {
            "program": program,
            "posts": posts,
            "units": selectors.sending_units_of(program),
            "mine": mine,
            "can_apply": can_apply,
            "problems": problems,
            "form": ApplyForm(posts=_posts(program)) if can_apply else None,
            "can_recommend": program.status == ProgramStatus.RECRUITING
            and selectors.may_recommend_to(user, program),
            "is_officer": permissions.covers(user, VIEW, program.organization.path),
            "crumbs": _call_crumbs(program),
        },
    )


@login_required
def call_apply(request, pk):
    user = request.user
    program = selectors.access_call(user, pk)
    person = selectors.person_of(user)
    if person is None:
        raise PermissionDenied
    form = ApplyForm(request.POST or None, posts=_posts(program))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                program=program, person=person, actor=user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("报名已提交。"))
            return redirect("cadres:my_applications")
    elif request.method != "POST":
        return redirect("cadres:call_detail", program.pk)
    return render(
        request,
        "cadres/applications/apply_form.html",
        {
            "form": form,
            "program": program,
            "title": _("报名"),
            "back": reverse("cadres:call_detail", args=[program.pk]),
            "crumbs": _call_crumbs(program, {"label": _("报名")}),
        },
    )


@login_required
def call_recommend(request, pk):
    user = request.user
    program = selectors.access_call(user, pk)
    if program.status != ProgramStatus.RECRUITING or not selectors.may_recommend_to(user, program):
        raise PermissionDenied
    query = (request.GET.get("q") or "").strip()[:40]
    form = RecommendForm(
        request.POST or None,
        people=selectors.recommendable_people(user, program, query=query),
        posts=_posts(program),
    )
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.application_recommend(
                program=program,
                person=person,
                reason=form.cleaned_data["reason"],
                expertise=form.cleaned_data["expertise"],
                preferred_post=form.cleaned_data["preferred_post"],
                actor=user,
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error("person", _("您没有权限推荐该人员。"))
            else:
                apply_service_errors(form, exc)
        else:
            messages.success(request, _("已推荐%(name)s。") % {"name": person.name})
            return redirect("cadres:call_recommend", program.pk)
    return render(
        request,
        "cadres/applications/recommend_form.html",
        {
            "form": form,
            "program": program,
            "query": query,
            "title": _("推荐人选"),
            "back": reverse("cadres:call_detail", args=[program.pk]),
            "crumbs": _call_crumbs(program, {"label": _("推荐人选")}),
        },
    )


@login_required
def my_applications(request):
    user = request.user
    return render(
        request,
        "cadres/applications/my_applications.html",
        {
            "applications": list(selectors.my_applications(user)[:100]),
            "has_person": bool(user.person_id),
            "crumbs": _crumbs({"label": pgettext("挂职报名", "我的报名")}),
        },
    )


@login_required
@require_POST
def application_withdraw(request, pk):
    user = request.user
    application = selectors.access_my_application(user, pk)
    return post_action(
        request,
        lambda: services.application_withdraw(application=application, actor=user),
        done=_("已撤回报名。"),
        to=reverse("cadres:my_applications"),
        refusals=(ValidationError, PermissionDenied),
    )
