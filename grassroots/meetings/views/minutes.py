"""Pages of a meeting's records: the minutes (draft, publish, revise, the kept versions) and its
files and photos (upload, download as attachment, thumbnails, delete)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grassroots.core.downloads import attachment_response, image_response
from grassroots.core.forms import apply_service_errors

from ..forms_minutes import AttachmentForm, MinutesForm, RevisionForm
from ..selectors import attendance as selectors
from ..services import minutes as services
from ..services.attendance import may_manage
from ..services.meetings import meeting_url
from .attendance import meeting_crumbs


def _minutes_crumbs(meeting, *extra):
    return meeting_crumbs(
        meeting,
        {"label": _("会议记录"), "url": reverse("meetings:minutes_revisions", args=[meeting.pk])},
        *extra,
    )


@login_required
def minutes_edit(request, pk):
    """The draft of the minutes: save it, or save and publish it (button `publish`)."""
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    minutes = selectors.meeting_minutes(meeting)
    if minutes is not None and minutes.is_published:
        messages.info(request, _("会议记录已发布，如需更正请提交修订。"))
        return redirect("meetings:minutes_revise", meeting.pk)
    initial = {"text": minutes.text, "decisions": minutes.decisions} if minutes else {}
    form = MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        publishing = "publish" in request.POST
        try:
            if publishing:
                services.minutes_publish(
                    meeting=meeting, actor=user, text=data["text"], decisions=data["decisions"]
                )
            else:
                services.minutes_save_draft(
                    meeting=meeting, actor=user, text=data["text"], decisions=data["decisions"]
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if publishing:
                messages.success(request, _("会议记录已发布，并通知了参会人员。"))
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect(meeting_url(meeting) + "#minutes")
    return render(
        request,
        "meetings/minutes/minutes_form.html",
        {
            "form": form,
            "meeting": meeting,
            "minutes": minutes,
            "revising": False,
            "title": _("填写会议记录"),
            "crumbs": meeting_crumbs(meeting, {"label": _("填写会议记录")}),
        },
    )


@login_required
@require_POST
def minutes_publish(request, pk):
    """Publish the saved draft as it is (from the meeting page)."""
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    try:
        services.minutes_publish(meeting=meeting, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("会议记录已发布，并通知了参会人员。"))
    return redirect(meeting_url(meeting) + "#minutes")


@login_required
def minutes_revise(request, pk):
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    minutes = selectors.meeting_minutes(meeting)
    if minutes is None or not minutes.is_published:
        return redirect("meetings:minutes_edit", meeting.pk)
    form = RevisionForm(
        request.POST or None, initial={"text": minutes.text, "decisions": minutes.decisions}
    )
    if request.method == "POST" and form.is_valid():
        try:
            minutes = services.minutes_revise(meeting=meeting, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("已发布第 %(n)d 版会议记录，原版本已保留。") % {"n": minutes.revision}
            )
            return redirect(meeting_url(meeting) + "#minutes")
    return render(
        request,
        "meetings/minutes/minutes_form.html",
        {
            "form": form,
            "meeting": meeting,
            "minutes": minutes,
            "revising": True,
            "title": _("修订会议记录"),
            "crumbs": _minutes_crumbs(meeting, {"label": _("修订")}),
        },
    )


@login_required
def minutes_revisions(request, pk):
    """The published versions of the minutes, newest first, with who, when and why."""
    user = request.user
    meeting = selectors.access_meeting_for(user, pk)
    minutes = selectors.meeting_minutes(meeting)
    published = minutes is not None and minutes.is_published
    return render(
        request,
        "meetings/minutes/revisions.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "revisions": selectors.minutes_revisions(minutes) if published else [],
            "can_manage": may_manage(user, meeting),
            "meeting_link": meeting_url(meeting),
            "crumbs": meeting_crumbs(meeting, {"label": _("会议记录版本")}),
        },
    )


@login_required
def minutes_revision_detail(request, pk, number):
    user = request.user
    meeting = selectors.access_meeting_for(user, pk)
    revision = selectors.access_revision(meeting, number)
    return render(
        request,
        "meetings/minutes/revision_detail.html",
        {
            "meeting": meeting,
            "revision": revision,
            "decision_lines": [
                line.strip() for line in revision.decisions.splitlines() if line.strip()
            ],
            "crumbs": _minutes_crumbs(
                meeting,
                {"label": _("第 %(n)d 版") % {"n": revision.number}},
            ),
        },
    )


# --- Files and photos ------------------------------------------------------------------------


@login_required
def attachment_upload(request, pk):
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.attachment_add(
                meeting=meeting,
                file=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                actor=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已上传“%(name)s”。") % {"name": attachment.name})
            return redirect(meeting_url(meeting) + "#attachments")
    return render(
        request,
        "meetings/minutes/attachment_form.html",
        {
            "form": form,
            "meeting": meeting,
            "max_mb": services.attachment_max_bytes() // (1024 * 1024),
            "crumbs": meeting_crumbs(meeting, {"label": _("上传附件")}),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """The file as an attachment with the type found at upload: never shown by the browser as a
    page, never sniffed, never kept by a shared cache."""
    meeting = selectors.access_meeting_for(request.user, pk)
    attachment = selectors.access_attachment(request.user, meeting, attachment_pk)
    return attachment_response(attachment.file, attachment.name, attachment.kind)


@login_required
@require_GET
def attachment_thumbnail(request, pk, attachment_pk):
    """A photo's thumbnail, shown in the gallery: a JPEG the app wrote itself from the pixels."""
    meeting = selectors.access_meeting_for(request.user, pk)
    attachment = selectors.access_attachment(request.user, meeting, attachment_pk)
    return image_response(attachment.thumbnail, "image/jpeg")


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    user = request.user
    meeting = selectors.access_managed_meeting(user, pk)
    attachment = selectors.access_attachment(user, meeting, attachment_pk)
    try:
        services.attachment_delete(attachment=attachment, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除“%(name)s”。") % {"name": attachment.name})
    return redirect(meeting_url(meeting) + "#attachments")
