"""Helpers shared by the cadres pages: a POST that calls one service and comes back with the
service's message or its refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


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
