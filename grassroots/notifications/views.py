"""The inbox: messages, opening one (marks it read), marking all read, channel choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferenceForm


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(selectors.inbox_for(request.user, unread_only=unread_only), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "querystring_base": "show=unread&" if unread_only else "",
        },
    )


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.access_notification(request.user, pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.preference_for(request.user)
    form = PreferenceForm(
        request.POST or None,
        user=request.user,
        initial={"email": current.email, "sms": current.sms},
    )
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            user=request.user,
            email=bool(form.cleaned_data.get("email")) and bool(request.user.email),
            sms=bool(form.cleaned_data.get("sms")) and bool(request.user.mobile),
            actor=request.user,
        )
        messages.success(request, _("接收方式已保存。"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
