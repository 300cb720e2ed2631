"""The campaign setup pages: the list and its query budget, creating, the campaign's tabs,
each action as a POST allowed and refused, the printable QR sheet, and the pages in English."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from grassroots.core.testing import queries_of
from grassroots.evaluations.enums import CampaignStatus, SubjectKind
from grassroots.evaluations.models import Campaign, Dimension, RaterGroup, Subject, Token
from grassroots.evaluations.services import campaigns as services
from grassroots.evaluations.tests.test_campaigns_support import account, draft, ready
from grassroots.orgs.tests.factories import PersonFactory


def _ballot_pages_installed() -> bool:
    try:
        reverse("evaluations:token_ballot", args=["x"])
    except NoReverseMatch:
        return False
    return True


needs_ballot_pages = pytest.mark.skipif(
    not _ballot_pages_installed(), reason="evaluations:token_ballot is not installed yet"
)


@pytest.fixture
def manager(county, make_user):
    return make_user("org_dept_admin", county.root)


def url(name, *args):
    return reverse(f"evaluations:{name}", args=args)


def texts(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- The list ----------------------------------------------------------------------------------


def test_list_filters_and_scope(client, county, manager, make_user):
    draft(county.justice, manager, title="司法局测评")
    draft(county.community, manager, title="社区测评")
    town_admin = make_user("committee_admin", county.town)
    client.force_login(town_admin)
    page = client.get(url("campaign_list")).content.decode()
    assert "社区测评" in page and "司法局测评" not in page
    client.force_login(manager)
    page = client.get(url("campaign_list"), {"q": "司法"}).content.decode()
    assert "司法局测评" in page and "社区测评" not in page
    page = client.get(url("campaign_list"), {"status": "open"}).content.decode()
    assert "司法局测评" not in page


def test_list_refused_without_view_permission(client, make_user):
    client.force_login(make_user())
    assert client.get(url("campaign_list")).status_code == 403


def test_list_queries_stay_constant(client, county, manager):
    for i in range(3):
        draft(county.justice, manager, title=f"测评{i}")
    client.force_login(manager)
    few = queries_of(client, url("campaign_list"))
    for i in range(27):
        draft(county.justice, manager, title=f"更多测评{i}")
    assert queries_of(client, url("campaign_list")) == few


# --- Creating and editing ------------------------------------------------------------------------


def test_create_offers_the_manage_scope_only(client, county, make_user):
    admin = make_user("committee_admin", county.town)
    client.force_login(admin)
    form = client.get(url("campaign_create")).context["form"]
    offered = set(form.fields["organization"].queryset)
    assert offered == {county.town, county.community}
    now = timezone.localtime()
    data = {
        "organization": county.justice.pk,
        "title": "越权测评",
        "subject_kind": "person",
        "scale_kind": "grades",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(url("campaign_create"), data)
    assert response.status_code == 200 and not Campaign.objects.exists()
    data["organization"] = county.community.pk
    response = client.post(url("campaign_create"), data)
    campaign = Campaign.objects.get()
    assert response.url == url("campaign_detail", campaign.pk)
    assert campaign.levels.count() == 4


def test_create_refused_without_manage(client, county, make_user):
    client.force_login(make_user("discipline_inspector", county.root))
    assert client.get(url("campaign_create")).status_code == 403


def test_create_shows_the_window_error(client, county, manager):
    client.force_login(manager)
    now = timezone.localtime()
    response = client.post(
        url("campaign_create"),
        {
            "organization": county.justice.pk,
            "title": "测评",
            "subject_kind": "person",
            "scale_kind": "grades",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "截止时间必须晚于开始时间" in response.content.decode()
    assert not Campaign.objects.exists()


def test_edit_an_open_campaign_moves_the_deadline_only(client, county, manager, make_user):
    setup = ready(county.justice, manager, make_user)
    campaign = services.campaign_open(campaign=setup.campaign, actor=manager)
    client.force_login(manager)
    later = timezone.localtime(campaign.closes_at + timedelta(days=1))
    response = client.post(
        url("campaign_edit", campaign.pk),
        {"title": "别的名字", "closes_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == setup.campaign.title  # disabled on the form
    assert campaign.closes_at.replace(second=0, microsecond=0) == later.replace(
        second=0, microsecond=0
    )


# --- The campaign's page -----------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["overview", "subjects", "scoring", "groups", "raters", "tokens"])
def test_every_tab_renders(client, county, manager, make_user, tab):
    setup = ready(county.justice, manager, make_user, tokens=2)
    client.force_login(manager)
    response = client.get(url("campaign_detail", setup.campaign.pk), {"tab": tab, "q": "a"})
    assert response.status_code == 200
    assert setup.campaign.title in response.content.decode()


def test_detail_outside_the_subtree_is_404(client, county, manager, make_user):
    campaign = draft(county.justice, manager)
    client.force_login(make_user("committee_admin", county.town))
    assert client.get(url("campaign_detail", campaign.pk)).status_code == 404
    assert client.post(url("campaign_open", campaign.pk)).status_code == 404
    assert client.get(url("token_sheet", campaign.pk)).status_code == 404


def test_viewer_sees_no_codes_and_may_not_act(client, county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=2)
    viewer = make_user("discipline_inspector", county.root)
    client.force_login(viewer)
    page = client.get(url("campaign_detail", setup.campaign.pk), {"tab": "tokens"})
    assert page.context["tab"] == "overview"
    code = Token.objects.filter(campaign=setup.campaign).first().code
    assert code not in page.content.decode()
    assert client.post(url("campaign_open", setup.campaign.pk)).status_code == 403
    assert client.get(url("token_sheet", setup.campaign.pk)).status_code == 404
    assert Campaign.objects.get(pk=setup.campaign.pk).status == CampaignStatus.DRAFT


def test_open_shows_the_problems_then_opens(client, county, manager, make_user):
    campaign = draft(county.justice, manager, groups=[("领导", 40), ("群众", 50)])
    client.force_login(manager)
    response = client.post(url("campaign_open", campaign.pk), follow=True)
    page = response.content.decode()
    assert "请至少添加一个测评对象" in page
    assert "权重合计应为 100%，目前为 90%" in page
    setup = ready(county.justice, manager, make_user)
    response = client.post(url("campaign_open", setup.campaign.pk))
    assert response.status_code == 302
    assert Campaign.objects.get(pk=setup.campaign.pk).status == CampaignStatus.OPEN
    response = client.post(url("campaign_close", setup.campaign.pk))
    assert Campaign.objects.get(pk=setup.campaign.pk).status == CampaignStatus.CLOSED
    response = client.post(url("campaign_cancel", setup.campaign.pk), follow=True)
    assert "不能进行此操作" in texts(response)
    assert client.get(url("campaign_open", setup.campaign.pk)).status_code == 405


def test_setup_actions_through_the_pages(client, county, manager, make_user):
    campaign = draft(county.justice, manager)
    client.force_login(manager)
    person = PersonFactory(primary_org=county.branch1, name="张测评")
    found = client.get(url("campaign_detail", campaign.pk), {"tab": "subjects", "q": "张测评"})
    assert person in found.context["found_people"]
    client.post(url("subject_add", campaign.pk), {"ids": [person.pk]})
    subject = Subject.objects.get(campaign=campaign)
    assert subject.label == "张测评"
    client.post(url("dimension_add", campaign.pk), {"dim-name": "履行职责", "dim-weight": "1"})
    dimension = Dimension.objects.get(campaign=campaign)
    client.post(
        url("dimension_edit", campaign.pk, dimension.pk),
        {f"dim{dimension.pk}-name": "服务态度", f"dim{dimension.pk}-weight": "2"},
    )
    dimension.refresh_from_db()
    assert (dimension.name, dimension.weight) == ("服务态度", 2)
    level = campaign.levels.get(label="差")
    client.post(
        url("level_edit", campaign.pk, level.pk),
        {f"lvl{level.pk}-label": "较差", f"lvl{level.pk}-points": "30"},
    )
    level.refresh_from_db()
    assert (level.label, level.points, level.satisfied) == ("较差", 30, False)
    client.post(
        url("group_add", campaign.pk),
        {"grp-name": "群众", "grp-weight": "100", "grp-anonymous": "on"},
    )
    group = RaterGroup.objects.get(campaign=campaign)
    rater = account(make_user, county.branch1)
    client.post(url("rater_add", campaign.pk), {"users": [rater.pk], "group": group.pk})
    assert campaign.raters.filter(user=rater, subject=None).exists()
    response = client.post(
        url("token_issue", campaign.pk), {"group": group.pk, "subject": subject.pk, "count": "3"}
    )
    assert Token.objects.filter(campaign=campaign, subject=subject).count() == 3
    token = Token.objects.filter(campaign=campaign).first()
    client.post(url("token_revoke", campaign.pk, token.pk))
    assert Token.objects.get(pk=token.pk).revoked
    response = client.post(url("campaign_open", campaign.pk))
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN
    response = client.post(url("dimension_remove", campaign.pk, dimension.pk), follow=True)
    assert "只有筹备中的测评可以修改此项" in texts(response)
    assert Dimension.objects.filter(pk=dimension.pk).exists()
    response = client.post(url("subject_remove", campaign.pk, subject.pk), follow=True)
    assert Subject.objects.filter(pk=subject.pk).exists()


def test_a_part_of_another_campaign_is_404(client, county, manager):
    first = draft(county.justice, manager, dimensions=[("履行职责", 1)])
    second = draft(county.justice, manager)
    client.force_login(manager)
    dimension = first.dimensions.get()
    response = client.post(url("dimension_remove", second.pk, dimension.pk))
    assert response.status_code == 404
    assert Dimension.objects.filter(pk=dimension.pk).exists()


def test_revoking_a_used_token_refused_on_the_page(client, county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=1)
    token = Token.objects.get(campaign=setup.campaign)
    Token.objects.filter(pk=token.pk).update(used=True)
    client.force_login(manager)
    response = client.post(url("token_revoke", setup.campaign.pk, token.pk), follow=True)
    assert "已经使用" in texts(response)
    assert not Token.objects.get(pk=token.pk).revoked


# --- The QR sheet -------------------------------------------------------------------------------------


@needs_ballot_pages
def test_qr_sheet_has_one_card_per_unused_token(client, county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=5)
    tokens = list(Token.objects.filter(campaign=setup.campaign).order_by("serial"))
    Token.objects.filter(pk=tokens[0].pk).update(used=True)
    services.token_revoke(token=tokens[1], actor=manager)
    client.force_login(manager)
    response = client.get(url("token_sheet", setup.campaign.pk))
    page = response.content.decode()
    assert page.count('data-testid="token-card"') == 3
    assert page.count("<svg") == 3
    for token in tokens[2:]:
        assert "http://testserver" + url("token_ballot", token.code) in page
    for token in tokens[:2]:
        assert token.code not in page
    assert "@media print" in page


@needs_ballot_pages
def test_tokens_tab_lists_links_to_send(client, county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=2)
    client.force_login(manager)
    response = client.get(url("campaign_detail", setup.campaign.pk), {"tab": "tokens"})
    links = response.context["links"]
    assert len(links) == 2 and all(link.startswith("http://testserver/") for link in links)


# --- English --------------------------------------------------------------------------------------------


def test_pages_render_in_english(english_client, county, manager, make_user):
    setup = ready(county.justice, manager, make_user, tokens=2)
    english_client.force_login(manager)
    pages = [url("campaign_list"), url("campaign_create"), url("token_sheet", setup.campaign.pk)]
    pages += [
        url("campaign_detail", setup.campaign.pk) + f"?tab={tab}"
        for tab in ("overview", "subjects", "scoring", "groups", "raters", "tokens")
    ]
    for page in pages:
        response = english_client.get(page)
        assert response.status_code == 200, page
        assert 'lang="en"' in response.content.decode()


def test_navigation_entry_for_viewers_only(client, county, manager, make_user, rf):
    from grassroots.core import navigation as core_navigation
    from grassroots.evaluations import navigation

    navigation.register()
    request = rf.get("/")
    request.user = manager
    entries = {e["key"]: e for e in core_navigation.menu_for(request)}
    assert entries["evaluations"]["url"] == url("campaign_list")
    request.user = make_user()
    assert "evaluations" not in {e["key"] for e in core_navigation.menu_for(request)}


def test_english_names_the_subject_kind_and_counts_what_was_added(english_client, county, manager):
    """单位 as a subject kind reads "Organization" (the roster's 单位 is an "Employer"); 类别 of
    rater groups reads "Category"; a count of added subjects agrees with its number."""
    campaign = draft(
        county.justice, manager, subject_kind=SubjectKind.ORGANIZATION, groups=[("领导", 40, False)]
    )
    english_client.force_login(manager)
    facts = english_client.get(url("campaign_detail", campaign.pk)).content.decode()
    assert '<dd class="col-8">Organization</dd>' in facts and "Employer" not in facts
    groups = english_client.get(url("campaign_detail", campaign.pk), {"tab": "groups"})
    assert '<th scope="col">Category</th>' in groups.content.decode()

    people = draft(county.justice, manager, title="人员测评")
    one, *three = [PersonFactory(primary_org=county.justice) for _ in range(4)]
    added = english_client.post(url("subject_add", people.pk), {"ids": [one.pk]}, follow=True)
    assert "1 subject added." in texts(added)
    added = english_client.post(
        url("subject_add", people.pk), {"ids": [p.pk for p in three]}, follow=True
    )
    assert "3 subjects added." in texts(added)
