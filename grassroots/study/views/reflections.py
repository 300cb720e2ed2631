"""Pages of reflections (心得体会): my reflections, writing and correcting one, a reflection with
its review timeline and actions, the secretary's review queue and the shared excellent ones; and
the panel on a person's page and the counter on the home page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.core import permissions
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import render_list
from grassroots.orgs import selectors as org_selectors

from ..enums import REFLECTION_TRANSITIONS, ReflectionStatus
from ..forms.reflections import ReflectionForm, ReviewForm, StatusFilterForm
from ..selectors import library as library_selectors
from ..selectors import reflections as selectors
from ..services import reflections as services


def _crumbs(*extra):
    return [{"label": _("心得体会"), "url": reverse("study:my_reflections")}, *extra]


def _tabs(request, active: str) -> dict:
    user = request.user
    return {
        "active_tab": active,
        "can_review": selectors.may_review_any(user),
        "can_write": bool(user.person_id),
    }


def _querystring(request, *drop: str) -> str:
    query = request.GET.copy()
    for key in ("page", *drop):
        query.pop(key, None)
    return (query.urlencode() + "&") if query else ""


def _status_filter(request) -> StatusFilterForm:
    form = StatusFilterForm(request.GET)
    form.is_valid()
    return form


@login_required
def my_reflections(request):
    user = request.user
    form = _status_filter(request)
    status = form.cleaned_data.get("status") or ""
    page = Paginator(selectors.my_reflections(user, status=status), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "study/reflections/my_list.html",
        {
            **_tabs(request, "mine"),
            "page_obj": page,
            "status": status,
            "statuses": ReflectionStatus.choices,
            "counts": selectors.my_status_counts(user),
            "querystring_base": _querystring(request),
            "crumbs": [{"label": _("心得体会")}],
        },
    )


def _subject_from(request, reflection=None):
    """The material a new reflection is about (?material=), if the user can see it."""
    if reflection is not None:
        return reflection.material
    raw = request.GET.get("material") or request.POST.get("material")
    if not raw:
        return None
    try:
        return library_selectors.access_material(request.user, raw)
    except Http404:
        return None


def _write(request, reflection=None):
    user = request.user
    if not user.person_id:
        messages.error(request, _("您的账号未关联人员信息，不能撰写心得体会。请联系管理员。"))
        return redirect("study:my_reflections")
    material = _subject_from(request, reflection)
    initial = {}
    if reflection is not None:
        initial = {
            "title": reflection.title,
            "text": reflection.text,
            "session": reflection.session_id,
            "material": reflection.material_id,
        }
    else:
        if material is not None:
            initial["material"] = material.pk
            initial["title"] = _("学习《%(t)s》心得体会") % {"t": material.title}
        if request.GET.get("session"):
            initial["session"] = request.GET.get("session")
    chosen = reflection.session_id if reflection is not None else initial.get("session")
    try:
        chosen = int(chosen) if chosen else None
    except (TypeError, ValueError):
        chosen = None
    form = ReflectionForm(
        request.POST or None,
        initial=initial,
        sessions=selectors.expected_sessions(user, include=chosen),
        materials=library_selectors.materials_for(user),
        min_length=services.min_length(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "title": data["title"],
            "text": data["text"],
            "session": data.get("session"),
            "material": data.get("material"),
        }
        try:
            if reflection is None:
                saved = services.reflection_submit(actor=user, **values)
                messages.success(request, _("已提交，等待支部审阅。"))
            else:
                was_returned = reflection.status == ReflectionStatus.RETURNED
                saved = services.reflection_update(reflection=reflection, actor=user, **values)
                messages.success(
                    request, _("已修改并重新提交。") if was_returned else _("已保存修改。")
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("study:reflection_detail", saved.pk)
    if reflection is not None:
        title = _("修改心得体会")
        crumbs = _crumbs(
            {
                "label": reflection.title,
                "url": reverse("study:reflection_detail", args=[reflection.pk]),
            },
            {"label": _("修改")},
        )
    else:
        title = _("撰写心得体会")
        crumbs = _crumbs({"label": title})
    return render(
        request,
        "study/reflections/form.html",
        {
            "form": form,
            "title": title,
            "reflection": reflection,
            "material": material,
            "crumbs": crumbs,
        },
    )


@login_required
def reflection_create(request):
    return _write(request)


@login_required
def reflection_edit(request, pk):
    user = request.user
    reflection = selectors.access_reflection(user, pk)
    if reflection.person_id != user.person_id:
        raise Http404
    if reflection.status not in (ReflectionStatus.SUBMITTED, ReflectionStatus.RETURNED):
        messages.info(request, _("该心得已审阅，不能再修改。"))
        return redirect("study:reflection_detail", reflection.pk)
    return _write(request, reflection)


def _detail(request, reflection, review_form=None, status=200):
    user = request.user
    may_review = services.may_review(user, reflection)
    is_author = bool(user.person_id) and user.person_id == reflection.person_id
    moves = []
    if may_review:
        moves = [
            value
            for value, _label in ReviewForm.base_fields["action"].choices
            if (reflection.status, value) in REFLECTION_TRANSITIONS
        ]
    return render(
        request,
        "study/reflections/detail.html",
        {
            "reflection": reflection,
            "events": selectors.reflection_events(reflection),
            "is_author": is_author,
            "can_edit": is_author
            and reflection.status in (ReflectionStatus.SUBMITTED, ReflectionStatus.RETURNED),
            "moves": moves,
            "review_form": review_form or ReviewForm(),
            "can_share": may_review and reflection.status == ReflectionStatus.EXCELLENT,
            "can_unshare": reflection.shared and (may_review or is_author),
            "history": history_for(user, reflection),
            "crumbs": _crumbs({"label": reflection.title}),
        },
        status=status,
    )


@login_required
def reflection_detail(request, pk):
    return _detail(request, selectors.access_reflection(request.user, pk))


@login_required
@require_POST
def reflection_review(request, pk):
    user = request.user
    reflection = selectors.access_reflection(user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        action = services.REVIEW_ACTIONS[ReflectionStatus(form.cleaned_data["action"])]
        try:
            action(reflection=reflection, comment=form.cleaned_data["comment"], actor=user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已审阅。"))
            next_url = request.POST.get("next")
            if next_url == "queue":
                return redirect("study:reflection_queue")
            return redirect("study:reflection_detail", reflection.pk)
    return _detail(request, reflection, review_form=form, status=400)


@login_required
@require_POST
def reflection_share(request, pk):
    user = request.user
    reflection = selectors.access_reflection(user, pk)
    shared = request.POST.get("shared") == "1"
    try:
        services.reflection_set_shared(reflection=reflection, shared=shared, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已在本组织分享。") if shared else _("已取消分享。"))
    return redirect("study:reflection_detail", reflection.pk)


@login_required
def reflection_queue(request):
    user = request.user
    if not selectors.may_review_any(user):
        raise PermissionDenied
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = ReflectionStatus.SUBMITTED
    form = StatusFilterForm(data)
    form.is_valid()
    status = form.cleaned_data.get("status") or ""
    organization = None
    if form.cleaned_data.get("org"):
        try:
            organization = org_selectors.access_organization(
                user, form.cleaned_data["org"], selectors.REVIEW_CODENAME
            )
        except Http404:
            organization = None
    queue = selectors.review_queue(user, status=status, organization=organization)
    page = Paginator(queue, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    overdue_before = selectors.submitted_before_end_of(
        selectors.overdue_cutoff(timezone.localdate())
    )
    context = {
        **_tabs(request, "queue"),
        "page_obj": page,
        "status": status,
        "statuses": ReflectionStatus.choices,
        "organization": organization,
        "org_choices": org_selectors.subtree_choices(user, selectors.REVIEW_CODENAME),
        "overdue_before": overdue_before,
        "overdue_days": selectors.REVIEW_WORKING_DAYS,
        "querystring_base": _querystring(request),
        "crumbs": _crumbs({"label": _("审阅")}),
    }
    return render_list(
        request,
        "study/reflections/queue.html",
        "study/reflections/_queue_table.html",
        "queue-table",
        context,
    )


@login_required
def reflection_excellent(request):
    page = Paginator(selectors.shared_excellent(request.user), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "study/reflections/excellent.html",
        {
            **_tabs(request, "excellent"),
            "page_obj": page,
            "querystring_base": _querystring(request),
            "crumbs": _crumbs({"label": _("优秀心得")}),
        },
    )


# --- Contributions to other pages ----------------------------------------------


def person_panel(request, person):
    """A person's reflections, on their page: for themselves and for those whose review or study
    scope covers them."""
    user = request.user
    own = bool(user.person_id) and user.person_id == person.pk
    if not own and not any(
        permissions.user_can(user, codename, person) for codename in selectors.VIEW_CODENAMES
    ):
        return None
    reflections = list(person.reflections.defer("text").order_by("-submitted_at", "-id")[:5])
    if not reflections:
        return None
    counts = selectors.status_counts(person.pk)
    return render_to_string(
        "study/reflections/_person_panel.html",
        {"reflections": reflections, "counts": counts, "statuses": ReflectionStatus.choices},
        request=request,
    )


def waiting_counter(request):
    """Home counter: reflections waiting for the user's review; for an author, returned ones."""
    user = request.user
    if selectors.may_review_any(user):
        return {
            "label": _("待审阅心得"),
            "value": selectors.waiting_count(user),
            "url": reverse("study:reflection_queue"),
        }
    returned = selectors.my_status_counts(user).get(ReflectionStatus.RETURNED, 0)
    if returned:
        return {
            "label": _("退回待修改的心得"),
            "value": returned,
            "url": reverse("study:my_reflections") + f"?status={ReflectionStatus.RETURNED}",
        }
    return None
