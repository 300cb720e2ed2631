"""Every page of the evaluations app opened by each kind of visitor, on campaigns in every
status: no page fails; the officer opens every page of the campaigns they manage; a rater their
sheet; a member with no part is refused every page that is not theirs or public; the token
sheet and its thank-you page open without an account."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from grassroots.core.testing import grant
from grassroots.evaluations.enums import CampaignStatus
from grassroots.evaluations.services.ballots import ballot_cast, token_ballot_cast
from grassroots.evaluations.tests.builders import answers, build_campaign, sheet

pytestmark = pytest.mark.django_db

OFFICER, VIEWER, RATER, MEMBER, ANONYMOUS = "officer", "viewer", "rater", "member", "anonymous"
ROLES = (OFFICER, VIEWER, RATER, MEMBER, ANONYMOUS)

PAGE = "page"  # a page of the campaign's managers
VIEW_PAGE = "view_page"  # a page for whoever may view the campaign (and its results)
PERSONAL = "personal"  # the signed-in user's own list
PUBLIC = "public"  # no account needed
ACTION = "action"  # POST only
VOTE = "vote"  # a rater's sheet


@dataclass(frozen=True)
class Spec:
    kind: str
    args: object = None  # a function of the campaigns giving the URL's arguments


def _c(w):
    return [w.open.campaign.pk]


def _part(getter):
    return lambda w: [w.open.campaign.pk, getter(w.open).pk]


SPECS = {
    "campaign_list": Spec(VIEW_PAGE),
    "campaign_create": Spec(PAGE),
    "campaign_detail": Spec(VIEW_PAGE, _c),
    "campaign_edit": Spec(PAGE, _c),
    "campaign_open": Spec(ACTION, _c),
    "campaign_close": Spec(ACTION, _c),
    "campaign_cancel": Spec(ACTION, _c),
    "subject_add": Spec(ACTION, _c),
    "subject_remove": Spec(ACTION, _part(lambda b: b.subjects[0])),
    "dimension_add": Spec(ACTION, _c),
    "dimension_edit": Spec(ACTION, _part(lambda b: b.dimensions[0])),
    "dimension_remove": Spec(ACTION, _part(lambda b: b.dimensions[0])),
    "level_edit": Spec(ACTION, _part(lambda b: b.levels["好"])),
    "group_add": Spec(ACTION, _c),
    "group_edit": Spec(ACTION, _part(lambda b: b.groups["领导"])),
    "group_remove": Spec(ACTION, _part(lambda b: b.groups["领导"])),
    "rater_add": Spec(ACTION, _c),
    "rater_remove": Spec(ACTION, _part(lambda b: b.raters["领导"][0])),
    "token_issue": Spec(ACTION, _c),
    "token_revoke": Spec(ACTION, _part(lambda b: b.tokens["群众"][0])),
    "token_sheet": Spec(PAGE, _c),
    "my_campaigns": Spec(PERSONAL),
    "ballot_sheet": Spec(VOTE, _c),
    "token_thanks": Spec(PUBLIC),
    "token_ballot": Spec(PUBLIC, lambda w: [w.open.tokens["群众"][1].code]),
    "campaign_results": Spec(VIEW_PAGE, _c),
    "named_ballots": Spec(PAGE, _c),
    "campaign_results_xlsx": Spec(VIEW_PAGE, _c),
}
CAMPAIGN_TABS = ("overview", "subjects", "scoring", "groups", "raters", "tokens")


def test_every_url_is_listed():
    """A new page must be added here, so that it is opened by every visitor below."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "evaluations":
            names = {p.name for p in entry.url_patterns if isinstance(p, URLPattern)}
            assert names == set(SPECS)
            return
    raise AssertionError("no evaluations namespace")


def _campaigns(county, make_user) -> SimpleNamespace:
    """A campaign in each status with a named rater and three tokens; but for the draft, the
    rater has voted on one subject and one token is spent."""
    rater = make_user()
    built = {}
    for status in CampaignStatus.values:
        built[status] = build_campaign(
            county.justice,
            title=f"测评·{status}",
            raters={"领导": [rater]},
            tokens={"群众": 3},
            status=CampaignStatus.OPEN,
        )
        one = built[status]
        if status == CampaignStatus.DRAFT:
            one.campaign.status = status
            one.campaign.save(update_fields=["status"])
            continue
        ballot_cast(
            campaign=one.campaign,
            subject=one.subjects[0],
            answers=answers(one, "好"),
            rater=one.raters["领导"][0],
            actor=rater,
        )
        token_ballot_cast(code=one.tokens["群众"][0].code, answers=sheet(one, "较好"), comments={})
        if status != CampaignStatus.OPEN:
            one.campaign.status = status
            one.campaign.save(update_fields=["status"])
    officer = make_user("org_dept_admin", county.root)
    viewer = make_user("discipline_inspector", county.root)
    member = make_user()
    grant(member, "branch_secretary", county.community)  # a role elsewhere, none here
    return SimpleNamespace(
        open=built[CampaignStatus.OPEN],
        by_status=built,
        users={OFFICER: officer, VIEWER: viewer, RATER: rater, MEMBER: member, ANONYMOUS: None},
    )


def _urls(w):
    for name, spec in SPECS.items():
        url = reverse(f"evaluations:{name}", args=spec.args(w) if spec.args else [])
        if name == "campaign_detail":
            for tab in CAMPAIGN_TABS:
                yield f"{name}?tab={tab}", f"{url}?tab={tab}", spec
        else:
            yield name, url, spec


def _expected(role: str, spec: Spec) -> set[int] | None:
    if spec.kind == PUBLIC:
        return {200}
    if role == ANONYMOUS:
        return {302}
    if spec.kind == ACTION:
        return {405}
    if spec.kind == PERSONAL:
        return {200}
    if spec.kind == VOTE:
        return {200} if role == RATER else {404}
    if role == OFFICER:
        return {200}
    if role == VIEWER:
        return {200} if spec.kind == VIEW_PAGE else {403, 404}
    return {403, 404}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_visitor(client, county, make_user, role):
    w = _campaigns(county, make_user)
    user = w.users[role]
    if user is not None:
        client.force_login(user)
    wrong = []
    for name, url, spec in _urls(w):
        response = client.get(url)
        allowed = _expected(role, spec)
        if response.status_code >= 500 or response.status_code not in allowed:
            wrong.append(f"{name} {url}: {response.status_code}, expected {allowed}")
        elif role == ANONYMOUS and spec.kind != PUBLIC:
            assert "login" in response["Location"], url
    assert not wrong, "\n".join(wrong)


def test_actions_refused_to_a_member_with_no_part(client, county, make_user):
    w = _campaigns(county, make_user)
    client.force_login(w.users[MEMBER])
    wrong = []
    for name, url, spec in _urls(w):
        if spec.kind == ACTION:
            code = client.post(url, {}).status_code
            if code not in (403, 404):
                wrong.append(f"{name} {url}: {code}")
    assert not wrong, "\n".join(wrong)
    w.open.campaign.refresh_from_db()
    assert w.open.campaign.status == CampaignStatus.OPEN


def test_campaign_pages_in_every_status(client, county, make_user):
    """The campaign's page and each tab open in every status; results open once it is no
    longer a draft; the other pages do not fail (they may send back with a message)."""
    w = _campaigns(county, make_user)
    client.force_login(w.users[OFFICER])
    wrong = []
    for status, built in w.by_status.items():
        pk = built.campaign.pk
        for tab in CAMPAIGN_TABS:
            url = f"{reverse('evaluations:campaign_detail', args=[pk])}?tab={tab}"
            code = client.get(url).status_code
            if code != 200:
                wrong.append(f"{status} {url}: {code}")
        for name in ("campaign_results", "campaign_results_xlsx", "named_ballots"):
            url = reverse(f"evaluations:{name}", args=[pk])
            code = client.get(url).status_code
            if code != (404 if status == CampaignStatus.DRAFT else 200):
                wrong.append(f"{status} {url}: {code}")
        url = f"{reverse('evaluations:campaign_results', args=[pk])}?print=1"
        if client.get(url).status_code >= 500:
            wrong.append(f"{status} {url}")
        for name in ("campaign_edit", "token_sheet"):
            url = reverse(f"evaluations:{name}", args=[pk])
            code = client.get(url).status_code
            if code >= 500:
                wrong.append(f"{status} {url}: {code}")
        # the tokens: one spent, one unused; opened in any status, never a failure
        for token in built.tokens["群众"][:2]:
            url = reverse("evaluations:token_ballot", args=[token.code])
            code = client.get(url).status_code
            if code != 200:
                wrong.append(f"{status} {url}: {code}")
        client.force_login(w.users[RATER])
        url = reverse("evaluations:ballot_sheet", args=[pk])
        code = client.get(url).status_code
        if code >= 500:
            wrong.append(f"{status} rater {url}: {code}")
        client.force_login(w.users[OFFICER])
    assert not wrong, "\n".join(wrong)
    assert client.get(reverse("evaluations:token_ballot", args=["没有这个码"])).status_code == 404
