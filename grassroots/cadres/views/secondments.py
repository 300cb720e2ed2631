"""Pages of one secondment's overview (the three parties, the stage, the actions the viewer may
take and the timeline), "my secondments", and the forms of withdrawal, managers, placement and
completion."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..forms_placement import CompleteForm, ManagersForm, PlaceForm, ReasonForm
from ..selectors import secondments as selectors
from ..selectors.access import access_secondment
from ..services import placement as placement_services
from ..services import publicity as publicity_services
from .common import secondment_crumbs


@login_required
def secondment_detail(request, pk):
    secondment, rel = access_secondment(request.user, pk)
    return render(
        request,
        "cadres/secondments/secondment_detail.html",
        {
            "secondment": secondment,
            "relation": rel,
            "tab": "secondments",
            "events": selectors.timeline(secondment),
            "actions": selectors.actions_for(secondment, rel),
            "program_url": (
                reverse("cadres:program_detail", args=[secondment.program_id])
                if rel.is_officer
                else ""
            ),
            "crumbs": secondment_crumbs(secondment, rel),
        },
    )


@login_required
def my_secondments(request):
    grouped = selectors.my_secondments(request.user)
    sections = [
        {"role": role, "label": selectors.MY_ROLE_LABELS[role], "rows": rows}
        for role, rows in grouped.items()
        if rows
    ]
    return render(
        request,
        "cadres/secondments/my_secondments.html",
        {"sections": sections, "crumbs": [{"label": _("我的挂职")}]},
    )


def _local_next(request) -> str:
    """`?next=` when it is a page of this site: a list that sent the officer here (the
    placement page sets managers cadre after cadre) gets them back."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _form_page(request, secondment, rel, form, *, act, done, title, danger=False, testid=""):
    from grassroots.core.views import simple_form_page

    back = _local_next(request) or reverse("cadres:secondment_detail", args=[secondment.pk])
    return simple_form_page(
        request,
        form,
        act=act,
        done=done,
        back=back,
        title=title,
        subject=secondment.person.name,
        crumbs=secondment_crumbs(secondment, rel, {"label": title}),
        danger=danger,
        form_testid=testid,
    )


def _allowed(user, pk, action: str):
    """The secondment and the user's relation to it, if `action` is one the user may take now."""
    secondment, rel = access_secondment(user, pk)
    if not getattr(selectors.actions_for(secondment, rel), action):
        raise PermissionDenied
    return secondment, rel


@login_required
def secondment_withdraw(request, pk):
    secondment, rel = _allowed(request.user, pk, "withdraw")
    form = ReasonForm(request.POST or None)
    return _form_page(
        request,
        secondment,
        rel,
        form,
        act=lambda data: publicity_services.secondment_withdraw(
            secondment=secondment, actor=request.user, reason=data["reason"]
        ),
        done=_("已撤销该挂职人选。"),
        title=_("撤销挂职人选"),
        danger=True,
        testid="withdraw-form",
    )


@login_required
def secondment_managers(request, pk):
    secondment, rel = _allowed(request.user, pk, "managers")
    initial = {"host_leader": secondment.host_leader_id, "group": secondment.group_id}
    if not secondment.host_leader_id and secondment.post.host_leader_id:
        initial["host_leader"] = secondment.post.host_leader_id
    if not secondment.group_id:
        only = list(secondment.program.groups.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            initial["group"] = only[0]  # a program with one group: nothing to choose
    form = ManagersForm(
        request.POST or None,
        initial=initial,
        leaders=placement_services.host_leader_choices(secondment),
        program=secondment.program,
    )
    return _form_page(
        request,
        secondment,
        rel,
        form,
        act=lambda data: placement_services.secondment_set_managers(
            secondment=secondment,
            host_leader=data["host_leader"],
            group=data["group"],
            actor=request.user,
        ),
        done=_("已确定联系领导和小组。"),
        title=_("确定联系领导和小组"),
        testid="managers-form",
    )


@login_required
def secondment_place(request, pk):
    secondment, rel = _allowed(request.user, pk, "place")
    form = PlaceForm(request.POST or None)
    return _form_page(
        request,
        secondment,
        rel,
        form,
        act=lambda data: placement_services.secondment_place(
            secondment=secondment, placed_on=data["placed_on"], actor=request.user
        ),
        done=_("已登记到岗。"),
        title=_("登记到岗"),
        testid="place-form",
    )


@login_required
def secondment_complete(request, pk):
    secondment, rel = _allowed(request.user, pk, "complete")
    form = CompleteForm(request.POST or None)
    return _form_page(
        request,
        secondment,
        rel,
        form,
        act=lambda data: placement_services.secondment_complete(
            secondment=secondment, actor=request.user, comment=data["comment"]
        ),
        done=_("挂职已结束。"),
        title=_("结束挂职"),
        testid="complete-form",
    )
