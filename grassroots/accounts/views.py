from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors


@login_required
def password_changed(request):
    if request.user.must_change_password:
        request.user.must_change_password = False
        request.user.save(update_fields=["must_change_password"])
    messages.success(request, _("密码已修改。"))
    return redirect("core:home")


@login_required
def grant_list(request):
    return render(request, "accounts/tokens.html", {})
