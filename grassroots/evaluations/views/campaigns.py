"""Pages of a campaign's setup: the list, creating and editing, the campaign's page with its
parts in tabs (overview and moves, subjects, dimensions and scale, groups, raters, tokens), and
the printable sheet of QR codes. Each action is a POST that calls one service and comes back
to its tab with the service's message."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grassroots.core import checkin, permissions
from grassroots.core.audit import history_for
from grassroots.core.forms import apply_service_errors
from grassroots.core.views import querystring_base, render_list
from grassroots.orgs.selectors import access_organization, subtree_choices

from ..enums import TRANSITIONS, CampaignStatus, SubjectKind
from ..forms import (
    CampaignFilterForm,
    CampaignForm,
    DimensionForm,
    GroupForm,
    IdsForm,
    LevelForm,
    RaterAddForm,
    TokenIssueForm,
)
from ..models import Campaign, Dimension, Rater, RaterGroup, ScaleLevel, Subject, Token
from ..selectors import campaigns as selectors
from ..services import campaigns as services

PAGE_SIZE = 30
VIEW, MANAGE = selectors.VIEW, selectors.MANAGE
TAB_KEYS = ("overview", "subjects", "scoring", "groups", "raters", "tokens")


def _tabs() -> list[tuple[str, str]]:
    return [
        ("overview", _("概况")),
        ("subjects", _("测评对象")),
        ("scoring", _("维度与等次")),
        ("groups", _("测评人类别")),
        ("raters", _("测评人")),
        ("tokens", _("测评码")),
    ]


def _crumbs(*extra):
    return [{"label": _("民主测评"), "url": reverse("evaluations:campaign_list")}, *extra]


def _campaign_crumbs(campaign, *extra):
    return _crumbs(
        {
            "label": campaign.title,
            "url": reverse("evaluations:campaign_detail", args=[campaign.pk]),
        },
        *extra,
    )


def _tab_url(campaign: Campaign, tab: str) -> str:
    url = reverse("evaluations:campaign_detail", args=[campaign.pk])
    return url if tab == "overview" else f"{url}?tab={tab}"


def ballot_url(request, code: str) -> str | None:
    """The absolute address of a token's ballot page, None while the ballot pages are not
    installed."""
    try:
        return request.build_absolute_uri(reverse("evaluations:token_ballot", args=[code]))
    except NoReverseMatch:
        return None


# --- The list ----------------------------------------------------------------------------------


def _campaign_filter(request) -> tuple[CampaignFilterForm, selectors.CampaignFilter]:
    form = CampaignFilterForm(request.GET)
    form.is_valid()
    cleaned = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    org = None
    if cleaned.get("org"):
        try:
            org = access_organization(request.user, cleaned["org"], VIEW)
        except Http404:
            org = None
    return form, selectors.CampaignFilter(
        query=cleaned.get("q", ""), status=cleaned.get("status", ""), organization=org
    )


@login_required
def campaign_list(request):
    user = request.user
    if not permissions.has_any(user, VIEW):
        raise PermissionDenied
    form, flt = _campaign_filter(request)
    page = Paginator(selectors.campaigns_for(user, flt), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "flt": flt,
        "page_obj": page,
        "statuses": CampaignStatus.choices,
        "org_choices": subtree_choices(user, VIEW),
        "querystring_base": querystring_base(request),
        "can_manage": permissions.has_any(user, MANAGE),
        "crumbs": _crumbs(),
    }
    return render_list(
        request,
        "evaluations/campaigns/campaign_list.html",
        "evaluations/campaigns/_campaign_table.html",
        "campaign-table",
        context,
    )


# --- Creating and editing ------------------------------------------------------------------------


@login_required
def campaign_create(request):
    user = request.user
    if not permissions.has_any(user, MANAGE):
        raise PermissionDenied
    form = CampaignForm(
        request.POST or None, organizations=selectors.manageable_organizations(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                organization=form.cleaned_data["organization"], actor=user, **form.service_data()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("测评已创建，请添加测评对象、维度和测评人。"))
            return redirect("evaluations:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "evaluations/campaigns/campaign_form.html",
        {"form": form, "title": _("新建测评"), "crumbs": _crumbs({"label": _("新建测评")})},
    )


@login_required
def campaign_edit(request, pk):
    campaign = selectors.access_campaign(request.user, pk, MANAGE)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, actor=request.user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("测评已保存。"))
            return redirect("evaluations:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "evaluations/campaigns/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": _("修改测评"),
            "crumbs": _campaign_crumbs(campaign, {"label": _("修改")}),
        },
    )


# --- The campaign's page -------------------------------------------------------------------------


@login_required
def campaign_detail(request, pk):
    user = request.user
    campaign = selectors.access_campaign(user, pk, VIEW)
    can_manage = permissions.user_can(user, MANAGE, campaign)
    tab = request.GET.get("tab") or "overview"
    if tab not in TAB_KEYS or (tab == "tokens" and not can_manage):
        tab = "overview"
    setup = selectors.campaign_setup(campaign)
    is_draft = campaign.status == CampaignStatus.DRAFT
    is_running = campaign.status in (CampaignStatus.DRAFT, CampaignStatus.OPEN)
    query = (request.GET.get("q") or "").strip()[:40]
    context = {
        "campaign": campaign,
        "setup": setup,
        "tab": tab,
        "tabs": [(k, label) for k, label in _tabs() if k != "tokens" or can_manage],
        "can_manage": can_manage,
        "is_draft": is_draft,
        "is_running": is_running,
        "moves": [to for (frm, to) in TRANSITIONS if frm == campaign.status] if can_manage else [],
        "q": query,
        "crumbs": _campaign_crumbs(campaign),
    }
    if tab == "overview":
        context["problems"] = services.open_problems(campaign) if is_draft and can_manage else []
        context["history"] = history_for(user, campaign)
    elif tab == "subjects" and can_manage and is_draft and query:
        if campaign.subject_kind == SubjectKind.PERSON:
            context["found_people"] = selectors.people_search(user, query, campaign)
        else:
            context["found_orgs"] = selectors.organizations_search(user, query, campaign)
    elif tab == "scoring":
        context["dimension_form"] = DimensionForm(prefix="dim")
    elif tab == "groups":
        context["group_form"] = GroupForm(prefix="grp", initial={"anonymous": True})
    elif tab == "raters" and can_manage and is_running:
        context["rater_form"] = RaterAddForm(campaign=campaign)
        if query:
            context["found_accounts"] = selectors.accounts_search(user, query)
    elif tab == "tokens":
        context["token_form"] = TokenIssueForm(campaign=campaign)
        for token in setup.tokens:
            token.link = ballot_url(request, token.code)
        context["links"] = [t.link for t in setup.tokens if t.link and not t.used and not t.revoked]
    return render(request, "evaluations/campaigns/campaign_detail.html", context)


def _act(request, pk, tab: str, work: Callable[[Campaign], str | None]):
    """Run one action on a campaign the user may see, then back to its tab with the message."""
    campaign = selectors.access_campaign(request.user, pk, VIEW)
    try:
        done = work(campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if done:
            messages.success(request, done)
    return redirect(_tab_url(campaign, tab))


def _cleaned(form) -> dict:
    """The form's data, or its errors raised as one ValidationError for `_act` to show."""
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    return form.cleaned_data


def _part(model, campaign: Campaign, part_pk):
    return get_object_or_404(
        model.objects.select_related("campaign"), pk=part_pk, campaign=campaign
    )


# --- Moves -----------------------------------------------------------------------------------------


@login_required
@require_POST
def campaign_open(request, pk):
    def work(campaign):
        services.campaign_open(campaign=campaign, actor=request.user)
        return _("测评已开始，已通知测评人。")

    return _act(request, pk, "overview", work)


@login_required
@require_POST
def campaign_close(request, pk):
    def work(campaign):
        services.campaign_close(campaign=campaign, actor=request.user)
        return _("测评已结束。")

    return _act(request, pk, "overview", work)


@login_required
@require_POST
def campaign_cancel(request, pk):
    def work(campaign):
        services.campaign_cancel(campaign=campaign, actor=request.user)
        return _("测评已取消。")

    return _act(request, pk, "overview", work)


# --- Subjects ----------------------------------------------------------------------------------------


@login_required
@require_POST
def subject_add(request, pk):
    def work(campaign):
        form = IdsForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("请选择要添加的对象。"))
        if campaign.subject_kind == SubjectKind.PERSON:
            added = services.subjects_add_people(
                campaign=campaign, people=form.cleaned_data["ids"], actor=request.user
            )
        else:
            added = services.subjects_add_organizations(
                campaign=campaign, organizations=form.cleaned_data["ids"], actor=request.user
            )
        return ngettext("已添加 %(n)d 个测评对象。", "已添加 %(n)d 个测评对象。", len(added)) % {
            "n": len(added)
        }

    return _act(request, pk, "subjects", work)


@login_required
@require_POST
def subject_remove(request, pk, part_pk):
    def work(campaign):
        subject = _part(Subject, campaign, part_pk)
        services.subject_remove(subject=subject, actor=request.user)
        return _("已移除测评对象“%(name)s”。") % {"name": subject.label}

    return _act(request, pk, "subjects", work)


# --- Dimensions and the scale ----------------------------------------------------------------------


@login_required
@require_POST
def dimension_add(request, pk):
    def work(campaign):
        form = DimensionForm(request.POST, prefix="dim")
        data = _cleaned(form)
        services.dimension_add(campaign=campaign, actor=request.user, **data)
        return _("已添加维度。")

    return _act(request, pk, "scoring", work)


@login_required
@require_POST
def dimension_edit(request, pk, part_pk):
    def work(campaign):
        dimension = _part(Dimension, campaign, part_pk)
        form = DimensionForm(request.POST, prefix=f"dim{dimension.pk}")
        data = _cleaned(form)
        services.dimension_update(dimension=dimension, actor=request.user, **data)
        return _("维度已保存。")

    return _act(request, pk, "scoring", work)


@login_required
@require_POST
def dimension_remove(request, pk, part_pk):
    def work(campaign):
        services.dimension_remove(dimension=_part(Dimension, campaign, part_pk), actor=request.user)
        return _("已删除维度。")

    return _act(request, pk, "scoring", work)


@login_required
@require_POST
def level_edit(request, pk, part_pk):
    def work(campaign):
        level = _part(ScaleLevel, campaign, part_pk)
        form = LevelForm(request.POST, prefix=f"lvl{level.pk}")
        data = _cleaned(form)
        services.level_update(level=level, actor=request.user, **data)
        return _("等次已保存。")

    return _act(request, pk, "scoring", work)


# --- Rater groups ------------------------------------------------------------------------------------


@login_required
@require_POST
def group_add(request, pk):
    def work(campaign):
        form = GroupForm(request.POST, prefix="grp")
        data = _cleaned(form)
        services.group_add(campaign=campaign, actor=request.user, **data)
        return _("已添加测评人类别。")

    return _act(request, pk, "groups", work)


@login_required
@require_POST
def group_edit(request, pk, part_pk):
    def work(campaign):
        group = _part(RaterGroup, campaign, part_pk)
        form = GroupForm(request.POST, prefix=f"grp{group.pk}")
        data = _cleaned(form)
        services.group_update(group=group, actor=request.user, **data)
        return _("测评人类别已保存。")

    return _act(request, pk, "groups", work)


@login_required
@require_POST
def group_remove(request, pk, part_pk):
    def work(campaign):
        services.group_remove(group=_part(RaterGroup, campaign, part_pk), actor=request.user)
        return _("已删除测评人类别。")

    return _act(request, pk, "groups", work)


# --- Raters --------------------------------------------------------------------------------------------


@login_required
@require_POST
def rater_add(request, pk):
    def work(campaign):
        form = RaterAddForm(request.POST, campaign=campaign)
        data = _cleaned(form)
        added = services.raters_add(
            campaign=campaign,
            group=data["group"],
            subject=data["subject"],
            users=data["users"],
            actor=request.user,
        )
        return ngettext("已添加 %(n)d 名测评人。", "已添加 %(n)d 名测评人。", len(added)) % {
            "n": len(added)
        }

    return _act(request, pk, "raters", work)


@login_required
@require_POST
def rater_remove(request, pk, part_pk):
    def work(campaign):
        services.rater_remove(rater=_part(Rater, campaign, part_pk), actor=request.user)
        return _("已移除测评人。")

    return _act(request, pk, "raters", work)


# --- Tokens ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def token_issue(request, pk):
    def work(campaign):
        form = TokenIssueForm(request.POST, campaign=campaign)
        data = _cleaned(form)
        issued = services.tokens_issue(
            campaign=campaign,
            group=data["group"],
            subject=data["subject"],
            count=data["count"],
            actor=request.user,
        )
        return ngettext(
            "已发放 %(n)d 个测评码（编号 %(a)d–%(b)d）。",
            "已发放 %(n)d 个测评码（编号 %(a)d–%(b)d）。",
            len(issued),
        ) % {
            "n": len(issued),
            "a": issued[0].serial,
            "b": issued[-1].serial,
        }

    return _act(request, pk, "tokens", work)


@login_required
@require_POST
def token_revoke(request, pk, part_pk):
    def work(campaign):
        token = _part(Token, campaign, part_pk)
        services.token_revoke(token=token, actor=request.user)
        return _("测评码 %(n)d 已作废。") % {"n": token.serial}

    return _act(request, pk, "tokens", work)


_SVG_SIZE = re.compile(r'^<svg width="(\d+)" height="(\d+)"')


def _scalable(svg: str) -> str:
    """The QR code with a viewBox, so that the print style sizes it in millimetres."""
    return _SVG_SIZE.sub(r'<svg viewBox="0 0 \1 \2"', svg, count=1)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def token_sheet(request, pk):
    """测评码打印页: one card per code still to hand out, with its QR code, for A4 paper."""
    campaign = selectors.access_campaign(request.user, pk, MANAGE)
    tokens = selectors.printable_tokens(
        campaign,
        group_id=_int(request.GET.get("group")),
        subject_id=_int(request.GET.get("subject")),
    )
    cards = []
    for token in tokens:
        link = ballot_url(request, token.code)
        cards.append(
            {
                "token": token,
                "link": link,
                "qr": _scalable(checkin.qr_svg(link, scale=3)) if link else "",
            }
        )
    return render(
        request,
        "evaluations/campaigns/token_sheet.html",
        {
            "campaign": campaign,
            "cards": cards,
            "crumbs": _campaign_crumbs(campaign, {"label": _("打印测评码")}),
        },
    )
