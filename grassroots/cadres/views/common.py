"""Helpers shared by the cadres pages: the breadcrumbs of a program's and of a secondment's
pages, and a POST that calls one service and comes back with the service's message or its
refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def program_crumbs(program, *extra: dict) -> list[dict]:
    """挂职锻炼 › the program › `extra`: the trail of every officer page of one program."""
    return [
        {"label": _("挂职锻炼"), "url": reverse("cadres:program_list")},
        {"label": program.title, "url": reverse("cadres:program_detail", args=[program.pk])},
        *extra,
    ]


def secondment_crumbs(secondment, rel, *extra: dict) -> list[dict]:
    """The trail of a secondment's pages: through its program for the program's officers, else
    through 我的挂职 (the cadre, the host leader and the group leader may not open the program)."""
    person = {
        "label": secondment.person.name,
        "url": reverse("cadres:secondment_detail", args=[secondment.pk]),
    }
    if rel.is_officer:
        return program_crumbs(secondment.program, person, *extra)
    return [{"label": _("我的挂职"), "url": reverse("cadres:my_secondments")}, person, *extra]


def refused(request, exc) -> None:
    """Show why a service refused, as one error message."""
    messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))


def post_action(
    request,
    act: Callable[[], Any],
    *,
    done: str | Callable[[Any], str],
    to: str,
    done_to: str | None = None,
    refusals: tuple[type[Exception], ...] = (ValidationError,),
):
    """Run `act` (one service call): on success show `done` (or `done(result)`) and go to
    `done_to` (or `to`); when the service refuses with one of `refusals`, show why and go to
    `to`."""
    try:
        result = act()
    except refusals as exc:
        refused(request, exc)
        return redirect(to)
    messages.success(request, done(result) if callable(done) else done)
    return redirect(done_to or to)
