"""The personal access tokens page: list, create (the token is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.core.forms import apply_service_errors

from . import selectors, services
from .forms import TokenCreateForm


@never_cache  # the response that carries a new token must not be kept by any cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, new_token = services.token_create(
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                # The page itself says so, with the token; no flash message is needed.
                form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(request.user), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.access_token(request.user, pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(
        request, _("已撤销令牌“%(name)s”，使用它的程序将无法再访问。") % {"name": token.name}
    )
    return redirect("accounts:tokens")
