"""The officers' pages of a program before placement: the list, creating and editing, a
program's page (posts, sending units, groups, trainings, applications), its posts, groups and
trainings, the call's transitions, the applications and the matching page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base

from ..enums import ApplicationStatus, ProgramStatus
from ..forms_programs import GroupForm, PostForm, ProgramFilterForm, ProgramForm, TrainingForm
from ..models import Application, CadreGroup, Post, ProgramTraining, Secondment
from ..selectors import matching as matching_selectors
from ..selectors import programs as selectors
from ..selectors.access import MANAGE, VIEW
from ..services import matching as matching_services
from ..services import programs as services
from .common import post_action, program_crumbs

PAGE_SIZE = 30
CANDIDATES_SHOWN = 10


def _crumbs(*extra):
    return [{"label": _("挂职锻炼"), "url": reverse("cadres:program_list")}, *extra]


# --- The list ---------------------------------------------------------------------------------


@login_required
def program_list(request):
    user = request.user
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied
    form = ProgramFilterForm(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    flt = selectors.ProgramFilter(status=cleaned.get("status") or "", year=cleaned.get("year"))
    page = Paginator(selectors.program_list(user, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cadres/programs/program_list.html",
        {
            "page_obj": page,
            "flt": flt,
            "statuses": ProgramStatus.choices,
            "years": selectors.program_years(user),
            "can_manage": permissions.has_any(user, MANAGE),
            "querystring_base": querystring_base(request),
            "crumbs": _crumbs(),
        },
    )


# --- Creating and editing ----------------------------------------------------------------------


def _program_form(request, instance=None) -> ProgramForm:
    user = request.user
    initial = {}
    if instance is None:
        current = getattr(request, "current_org", None)
        if current is not None and permissions.covers(user, MANAGE, current.path):
            initial["organization"] = current.pk
    return ProgramForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        organizations=selectors.manageable_organizations(user),
        units=selectors.manageable_organizations(user),
    )


@login_required
def program_create(request):
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    form = _program_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(
                organization=form.cleaned_data["organization"], actor=user, **form.service_data()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已创建挂职批次，请继续设置岗位。"))
            return redirect("cadres:program_detail", program.pk)
    return render(
        request,
        "cadres/programs/program_form.html",
        {
            "form": form,
            "title": _("新建挂职批次"),
            "back": reverse("cadres:program_list"),
            "crumbs": _crumbs({"label": _("新建挂职批次")}),
        },
    )


@login_required
def program_edit(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk, MANAGE)
    if program.status not in services.EDITABLE_WHILE:
        messages.error(request, _("挂职批次当前状态下不能修改。"))
        return redirect("cadres:program_detail", program.pk)
    form = _program_form(request, program)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(program=program, actor=user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("cadres:program_detail", program.pk)
    return render(
        request,
        "cadres/programs/program_form.html",
        {
            "form": form,
            "program": program,
            "title": _("编辑挂职批次"),
            "back": reverse("cadres:program_detail", args=[program.pk]),
            "crumbs": program_crumbs(program, {"label": _("编辑")}),
        },
    )


# --- A program's page -------------------------------------------------------------------------


@login_required
def program_detail(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk)
    can_manage = permissions.covers(user, MANAGE, program.organization.path)
    posts = selectors.posts_of(program)
    is_draft = program.status == ProgramStatus.DRAFT
    return render(
        request,
        "cadres/programs/program_detail.html",
        {
            "program": program,
            "can_manage": can_manage,
            "posts": posts,
            "places": sum(p.places for p in posts),
            "taken": sum(p.taken for p in posts),
            "units": selectors.sending_units_of(program),
            "groups": selectors.groups_of(program),
            "trainings": selectors.trainings_of(program),
            "counts": selectors.application_counts(program),
            "problems": services.publish_problems(program) if is_draft and can_manage else [],
            "editable": program.status in services.EDITABLE_WHILE,
            "posts_open": program.status in (ProgramStatus.DRAFT, ProgramStatus.RECRUITING),
            "posts_editable": program.status in services.POST_EDITABLE,
            "is_finished": program.status == ProgramStatus.FINISHED,
            "crumbs": program_crumbs(program),
        },
    )


@login_required
@require_POST
def program_publish(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk)
    return _program_move(
        request,
        lambda: services.program_publish(program=program, actor=user),
        program,
        done=_("选派通知已发布，并已通知选派单位的在册人员。"),
    )


@login_required
@require_POST
def program_close_call(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk)
    return _program_move(
        request,
        lambda: services.program_close_call(program=program, actor=user),
        program,
        done=_("报名已截止，可以开始岗位匹配。"),
        done_to=reverse("cadres:program_matching", args=[program.pk]),
    )


@login_required
@require_POST
def program_finish(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk)
    return _program_move(
        request,
        lambda: services.program_finish(program=program, actor=user),
        program,
        done=_("挂职批次已结束，可在“考核”中统一归档。"),
    )


def _program_move(request, act, program, *, done, done_to=None):
    """POST a program transition: the service's refusal (bad state or no right) is shown on the
    program's page."""
    return post_action(
        request,
        act,
        done=done,
        to=reverse("cadres:program_detail", args=[program.pk]),
        done_to=done_to,
        refusals=(ValidationError, PermissionDenied),
    )


# --- Posts, groups, trainings ----------------------------------------------------------------


def _record_form_page(request, form, *, act, program, title, done):
    if request.method == "POST" and form.is_valid():
        try:
            act(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("cadres:program_detail", program.pk)
    return render(
        request,
        "cadres/programs/record_form.html",
        {
            "form": form,
            "program": program,
            "title": title,
            "back": reverse("cadres:program_detail", args=[program.pk]),
            "crumbs": program_crumbs(program, {"label": title}),
        },
    )


def _access_post(user, pk) -> Post:
    post = (
        permissions.objects_for(
            user, MANAGE, Post.objects.select_related("program__organization", "host")
        )
        .filter(pk=pk)
        .first()
    )
    if post is None:
        raise Http404
    return post


@login_required
def post_create(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk, MANAGE)
    form = PostForm(
        request.POST or None,
        units=selectors.manageable_organizations(user),
        people=selectors.people_in_view(user),
    )
    return _record_form_page(
        request,
        form,
        act=lambda f: services.post_create(program=program, actor=user, **f.cleaned_data),
        program=program,
        title=_("添加挂职岗位"),
        done=_("已添加岗位。"),
    )


@login_required
def post_edit(request, pk):
    user = request.user
    post = _access_post(user, pk)
    program = post.program
    form = PostForm(
        request.POST or None,
        instance=post,
        units=selectors.manageable_organizations(user),
        people=selectors.people_in_view(user),
        selecting=program.status == ProgramStatus.SELECTING,
    )
    # The form edits a copy: the service compares with the saved row.
    original = Post.objects.select_related("program__organization").get(pk=post.pk)
    return _record_form_page(
        request,
        form,
        act=lambda f: services.post_update(post=original, actor=user, **f.cleaned_data),
        program=program,
        title=_("编辑挂职岗位"),
        done=_("已保存。"),
    )


@login_required
@require_POST
def post_delete(request, pk):
    user = request.user
    post = _access_post(user, pk)
    return post_action(
        request,
        lambda: services.post_delete(post=post, actor=user),
        done=_("已删除岗位。"),
        to=reverse("cadres:program_detail", args=[post.program_id]),
    )


@login_required
def group_create(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk, MANAGE)
    form = GroupForm(request.POST or None, people=selectors.people_in_view(user))
    return _record_form_page(
        request,
        form,
        act=lambda f: services.group_create(program=program, actor=user, **f.cleaned_data),
        program=program,
        title=_("添加挂职干部小组"),
        done=_("已添加小组。"),
    )


@login_required
def group_edit(request, pk):
    user = request.user
    group = (
        permissions.objects_for(user, MANAGE, CadreGroup.objects.select_related("program"))
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404
    program = group.program
    original = CadreGroup.objects.select_related("program__organization").get(pk=group.pk)
    form = GroupForm(request.POST or None, instance=group, people=selectors.people_in_view(user))
    return _record_form_page(
        request,
        form,
        act=lambda f: services.group_update(group=original, actor=user, **f.cleaned_data),
        program=program,
        title=_("编辑挂职干部小组"),
        done=_("已保存。"),
    )


@login_required
def training_add(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk, MANAGE)
    form = TrainingForm(request.POST or None, sessions=services.training_sessions(user))
    return _record_form_page(
        request,
        form,
        act=lambda f: services.training_add(program=program, actor=user, **f.cleaned_data),
        program=program,
        title=_("关联岗前培训"),
        done=_("已关联培训。"),
    )


@login_required
@require_POST
def training_remove(request, pk):
    user = request.user
    training = ProgramTraining.objects.select_related("program__organization").filter(pk=pk).first()
    if training is None or not permissions.covers(user, MANAGE, training.program.organization.path):
        raise Http404
    return post_action(
        request,
        lambda: services.training_remove(training=training, actor=user),
        done=_("已取消关联该培训。"),
        to=reverse("cadres:program_detail", args=[training.program_id]),
    )


# --- Applications and matching -----------------------------------------------------------------


@login_required
def program_applications(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk)
    status = request.GET.get("status", "")
    query = (request.GET.get("q") or "").strip()[:40]
    rows = selectors.applications_of(program, status=status, query=query, user=user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cadres/programs/applications.html",
        {
            "program": program,
            "page_obj": page,
            "status": status,
            "query": query,
            "statuses": ApplicationStatus.choices,
            "counts": selectors.application_counts(program),
            "querystring_base": querystring_base(request),
            "crumbs": program_crumbs(program, {"label": _("报名情况")}),
        },
    )


@login_required
def program_matching(request, pk):
    """岗位匹配: per post its candidates ranked by score with the reasons, the places taken, and
    the buttons to assign and unassign."""
    user = request.user
    program = selectors.access_program_for(user, pk)
    can_assign = program.status == ProgramStatus.SELECTING and permissions.covers(
        user, MANAGE, program.organization.path
    )
    board = matching_selectors.matching_board(program)
    expanded = request.GET.get("all", "")
    for row in board:
        row.shown = (
            row.candidates
            if expanded == str(row.post.pk)
            else [c for c in row.candidates if c.assigned_here]
            + [c for c in row.candidates if not c.assigned_here][:CANDIDATES_SHOWN]
        )
    return render(
        request,
        "cadres/programs/matching.html",
        {
            "program": program,
            "board": board,
            "can_assign": can_assign,
            "candidates_shown": CANDIDATES_SHOWN,
            "counts": selectors.application_counts(program),
            "crumbs": program_crumbs(program, {"label": _("岗位匹配")}),
        },
    )


@login_required
@require_POST
def matching_assign(request, pk):
    user = request.user
    program = selectors.access_program_for(user, pk)
    post = Post.objects.filter(program=program, pk=_int(request.POST.get("post"))).first()
    application = Application.objects.filter(
        program=program, pk=_int(request.POST.get("application"))
    ).first()
    if post is None or application is None:
        raise Http404
    post.program = program
    return post_action(
        request,
        lambda: matching_services.secondment_assign(application=application, post=post, actor=user),
        done=lambda secondment: (
            _("已将%(name)s匹配到“%(post)s”。")
            % {"name": secondment.person.name, "post": post.title}
        ),
        to=f"{reverse('cadres:program_matching', args=[program.pk])}#post-{post.pk}",
        refusals=(ValidationError, PermissionDenied),
    )


@login_required
@require_POST
def matching_unassign(request, pk, secondment_pk):
    user = request.user
    program = selectors.access_program_for(user, pk)
    secondment = (
        Secondment.objects.select_related("program__organization", "person")
        .filter(program=program, pk=secondment_pk)
        .first()
    )
    if secondment is None:
        raise Http404
    return post_action(
        request,
        lambda: matching_services.secondment_unassign(secondment=secondment, actor=user),
        done=_("已取消%(name)s的岗位匹配。") % {"name": secondment.person.name},
        to=f"{reverse('cadres:program_matching', args=[program.pk])}#post-{secondment.post_id}",
        refusals=(ValidationError, PermissionDenied),
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
