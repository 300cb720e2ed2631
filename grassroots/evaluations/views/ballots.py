"""Voting pages: 我的测评 (the campaigns an account rates), an account's sheet for one campaign,
and the public token sheet (no login) with its thank-you page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from ..forms_ballots import SheetForm
from ..selectors import ballots as selectors
from ..services import ballots as services


@login_required
def my_campaigns(request):
    """我的测评: open campaigns the user rates, with the subjects done and to do."""
    rows = selectors.my_campaigns(request.user)
    return render(
        request,
        "evaluations/ballots/my_campaigns.html",
        {"rows": rows, "crumbs": [{"label": _("我的测评")}]},
    )


@login_required
def ballot_sheet(request, pk):
    """One campaign's sheet for an account: every subject still to rate (and, in a named group,
    those rated, to revise) on one form, saved in one transaction."""
    sheet = selectors.ballot_form_for(request.user, pk)
    items = sheet.editable_items
    form = SheetForm(
        request.POST if request.method == "POST" else None,
        subjects=[item.subject for item in items],
        dimensions=sheet.dimensions,
        levels=sheet.levels,
        require_all=False,
        initial_answers={item.subject.pk: item.answers for item in items if item.answers},
    )
    if request.method == "POST" and not sheet.error and form.is_valid():
        try:
            count = services.ballot_sheet_submit(
                campaign=sheet.campaign,
                answers=form.answers,
                comments=form.comments,
                actor=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                ngettext(
                    "已提交 %(n)d 份评价，谢谢参与。", "已提交 %(n)d 份评价，谢谢参与。", count
                )
                % {"n": count},
            )
            return redirect("evaluations:my_campaigns")
    return render(
        request,
        "evaluations/ballots/sheet.html",
        {
            "sheet": sheet,
            "form": form,
            "rows": form.rows(items),
            "done": [item for item in sheet.items if not item.editable],
            "crumbs": [
                {"label": _("我的测评"), "url": reverse("evaluations:my_campaigns")},
                {"label": sheet.campaign.title},
            ],
        },
    )


@never_cache
def token_ballot(request, code):
    """The public sheet a printed QR code or a link opens: no account, one submission."""
    try:
        sheet = selectors.token_sheet(code)
    except ValidationError as exc:
        status = 404 if exc.code == "unknown" else 200
        return render(
            request,
            "evaluations/ballots/token_error.html",
            {"error": " ".join(exc.messages)},
            status=status,
        )
    form = SheetForm(
        request.POST if request.method == "POST" else None,
        subjects=sheet.subjects,
        dimensions=sheet.dimensions,
        levels=sheet.levels,
        require_all=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.token_ballot_cast(code=code, answers=form.answers, comments=form.comments)
        except ValidationError as exc:
            return render(
                request,
                "evaluations/ballots/token_error.html",
                {"error": " ".join(exc.messages)},
            )
        return redirect("evaluations:token_thanks")
    return render(
        request,
        "evaluations/ballots/token_sheet.html",
        {"sheet": sheet, "form": form, "rows": form.rows()},
    )


def token_thanks(request):
    return render(request, "evaluations/ballots/token_thanks.html")
