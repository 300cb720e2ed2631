"""Stub: replaced by its owner."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors.access import access_secondment


@login_required
def secondment_detail(request, pk):
    secondment, rel = access_secondment(request.user, pk)
    return render(
        request,
        "cadres/secondment_base.html",
        {"secondment": secondment, "relation": rel, "tab": "secondments"},
    )
