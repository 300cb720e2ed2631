"""Officers' pages of a program's approval, publicity (objections and their answers, the final
confirmation) and placement; and the public pages: the publicity list with its objection form,
and the follow-up of an objection by its code (no account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grassroots.core.forms import apply_service_errors

from ..enums import ProgramStatus, SecondmentStatus
from ..forms_placement import AnswerForm, ApproveForm, FollowForm, ObjectionForm, PlaceForm
from ..selectors import secondments as selectors
from ..selectors.access import APPROVE, MANAGE
from ..services import placement as placement_services
from ..services import publicity as services
from .common import post_action, program_crumbs

# At most this many objections per client address per hour (a public form).
OBJECTIONS_PER_HOUR = 10


def _program_context(request, program, **extra) -> dict:
    user = request.user
    return {
        "program": program,
        "can_approve": selectors.may(user, APPROVE, program),
        "can_manage": selectors.may(user, MANAGE, program),
        "public_url": request.build_absolute_uri(
            reverse("cadres:publicity", args=[program.public_key])
        ),
        **extra,
    }


@login_required
def program_approval(request, pk):
    """审批: the matched list, approved at once, with the publicity window."""
    program = selectors.program_for_officer(request.user, pk)
    can_approve = selectors.may(request.user, APPROVE, program)
    form = ApproveForm(request.POST or None)
    if request.method == "POST":
        if not can_approve:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.program_approve(
                    program=program,
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                    publicity_starts_on=form.cleaned_data["publicity_starts_on"],
                    publicity_ends_on=form.cleaned_data["publicity_ends_on"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已审批，名单进入公示。"))
                return redirect("cadres:program_objections", pk=program.pk)
    rows = list(
        selectors.program_secondments(
            program,
            [SecondmentStatus.MATCHED, SecondmentStatus.APPROVED, SecondmentStatus.PUBLICITY],
        )
    )
    return render(
        request,
        "cadres/publicity/program_approval.html",
        _program_context(
            request,
            program,
            form=form,
            rows=rows,
            may_approve=can_approve and program.status == ProgramStatus.SELECTING,
            crumbs=program_crumbs(program, {"label": _("审批与公示")}),
        ),
    )


@login_required
def program_objections(request, pk):
    """公示: the window, the list in publicity and the objections with their answers."""
    program = selectors.program_for_officer(request.user, pk)
    objections = list(selectors.program_objections(program))
    unanswered = sum(1 for o in objections if o.answered_at is None)
    today = timezone.localdate()
    return render(
        request,
        "cadres/publicity/program_objections.html",
        _program_context(
            request,
            program,
            objections=objections,
            unanswered=unanswered,
            rows=list(selectors.public_list(program)),
            window_over=bool(program.publicity_ends_on and today > program.publicity_ends_on),
            may_confirm=selectors.may(request.user, APPROVE, program)
            and program.status == ProgramStatus.PUBLICITY,
            crumbs=program_crumbs(program, {"label": _("公示与异议")}),
        ),
    )


@login_required
def objection_answer(request, pk):
    objection = selectors.access_objection(request.user, pk)
    program = objection.program
    if not selectors.may(request.user, APPROVE, program):
        raise PermissionDenied
    people = list(selectors.program_secondments(program, [SecondmentStatus.PUBLICITY]))
    if objection.secondment and objection.secondment not in people:
        people.append(objection.secondment)
    form = AnswerForm(
        request.POST or None,
        people=people,
        initial={"secondment": objection.secondment_id},
    )
    back = reverse("cadres:program_objections", args=[program.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_answer(
                objection=objection,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"],
                secondment=form.cleaned_data["secondment"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已答复该异议。"))
            return redirect(back)
    return render(
        request,
        "cadres/publicity/objection_answer.html",
        {
            "objection": objection,
            "program": program,
            "form": form,
            "back": back,
            "crumbs": program_crumbs(
                program, {"label": _("公示与异议"), "url": back}, {"label": _("答复异议")}
            ),
        },
    )


@login_required
@require_POST
def program_confirm(request, pk):
    program = selectors.program_for_officer(request.user, pk)
    if not selectors.may(request.user, APPROVE, program):
        raise PermissionDenied
    return post_action(
        request,
        lambda: services.program_confirm(program=program, actor=request.user),
        done=_("公示期满，名单已确认。"),
        to=reverse("cadres:program_objections", kwargs={"pk": program.pk}),
    )


@login_required
def program_placement(request, pk):
    """派出: the confirmed cadres with what each still lacks, and placing all who are ready."""
    program = selectors.program_for_officer(request.user, pk)
    can_manage = selectors.may(request.user, MANAGE, program)
    form = PlaceForm(request.POST or None)
    refused = []
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                outcome = placement_services.program_place_all(
                    program=program, placed_on=form.cleaned_data["placed_on"], actor=request.user
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "已登记 %(n)d 名挂职干部到岗。",
                        "已登记 %(n)d 名挂职干部到岗。",
                        len(outcome.placed),
                    )
                    % {"n": len(outcome.placed)},
                )
                refused = outcome.refused
                if not refused:
                    return redirect("cadres:program_placement", pk=program.pk)
    rows = list(
        selectors.program_secondments(
            program, [SecondmentStatus.CONFIRMED, SecondmentStatus.PLACED]
        )
    )
    missed = placement_services.missed_trainings(
        [r for r in rows if r.status == SecondmentStatus.CONFIRMED]
    )
    for row in rows:
        row.problems = (
            placement_services.placement_problems(row, missed.get(row.pk, []))
            if row.status == SecondmentStatus.CONFIRMED
            else []
        )
    return render(
        request,
        "cadres/publicity/program_placement.html",
        _program_context(
            request,
            program,
            form=form,
            rows=rows,
            refused=refused,
            ready=sum(1 for r in rows if r.status == SecondmentStatus.CONFIRMED and not r.problems),
            crumbs=program_crumbs(program, {"label": _("派出到岗")}),
        ),
    )


# --- Public pages --------------------------------------------------------------------------


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _over_rate(request) -> bool:
    key = f"cadres:objection:{_client_address(request)}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        count = 1
    return count > OBJECTIONS_PER_HOUR


def publicity(request, key):
    """公示 page: the list, the window, and the objection form while it is open."""
    program = selectors.public_program(key)
    is_open = services.publicity_open(program)
    people = list(selectors.public_list(program))
    form = ObjectionForm(request.POST or None, people=people if is_open else ())
    submitted = None
    if request.method == "POST":
        if not is_open:
            form.add_error(None, _("不在公示期内，不能提出异议。"))
        elif form.is_valid():
            if _over_rate(request):
                form.add_error(None, _("提交过于频繁，请稍后再试。"))
            else:
                try:
                    submitted = services.objection_submit(
                        program=program,
                        content=form.cleaned_data["content"],
                        contact_name=form.cleaned_data["contact_name"],
                        contact_phone=form.cleaned_data["contact_phone"],
                        secondment=form.cleaned_data["secondment"],
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
    return render(
        request,
        "cadres/publicity/public_page.html",
        {
            "program": program,
            "people": people,
            "is_open": is_open,
            "form": form,
            "submitted": submitted,
        },
    )


def objection_follow(request, key):
    """The sender types the code and sees whether (and how) the objection was answered."""
    program = selectors.public_program(key)
    form = FollowForm(request.POST or None)
    objection = None
    looked = False
    if form.is_bound and form.is_valid():
        looked = True
        objection = selectors.objection_by_code(program, form.cleaned_data["code"])
    return render(
        request,
        "cadres/publicity/objection_follow.html",
        {"program": program, "form": form, "objection": objection, "looked": looked},
    )
