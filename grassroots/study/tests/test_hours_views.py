"""Pages of the hours ledger: 我的学时, an organization's ledger and its export, branches
compared, the targets page, self-study pages, and what the ledger adds to other pages."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.models import HoursCredit, SelfStudy, StudyYear
from grassroots.study.services.hours import credit
from grassroots.study.tests.factories import (
    SelfStudyFactory,
    StudyYearFactory,
    member_with_account,
    pdf_file,
    session_with,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def login(client, user):
    client.force_login(user)
    return client


def ledger_row(person, total, target="32", **kinds):
    values = {k: Decimal(v) for k, v in kinds.items()}
    row = StudyYearFactory(person=person, year=YEAR, target=Decimal(target))
    StudyYear.objects.filter(pk=row.pk).update(total=Decimal(total), **values)
    return row


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


# --- 我的学时 ----------------------------------------------------------------------------------


def test_my_hours_shows_the_year_and_the_credits(client, county, make_user):
    member = member_with_account(make_user, county.branch1, "member")
    session = session_with([member.person], starts_at=timezone.now() - timedelta(hours=1))
    attendance = session.attendances.get()
    credit(
        person_id=member.person.pk,
        year=YEAR,
        kind="branch",
        hours=Decimal("2"),
        source=HoursCredit.Source.ATTENDANCE,
        source_id=attendance.pk,
    )
    response = login(client, member).get(reverse("study:my_hours"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.total, summary.target, summary.percent) == (Decimal("2"), Decimal("32"), 6)
    assert [line.label for line in response.context["credits"]] == [session.title]
    assert session.title in response.content.decode()
    # Another year: nothing yet, and no error.
    other = login(client, member).get(reverse("study:my_hours"), {"year": YEAR - 1})
    assert other.context["summary"].total == 0


def test_my_hours_without_a_person(client, make_user):
    response = login(client, make_user()).get(reverse("study:my_hours"))
    assert response.status_code == 200 and response.context["no_person"]


# --- The ledger of an organization ------------------------------------------------------------


def test_ledger_ranks_people_by_completion(client, county, secretary):
    low = PersonFactory(primary_org=county.branch1, name="甲")
    high = PersonFactory(primary_org=county.branch1, name="乙")
    none = PersonFactory(primary_org=county.branch1, name="丙")
    leader = PersonFactory(primary_org=county.branch1, name="丁")
    ledger_row(low, "8", branch="8")
    ledger_row(high, "40", concentrated="40")
    ledger_row(leader, "28", target="56", training="28")
    PersonFactory(primary_org=county.branch2, name="别的支部")
    response = login(client, secretary).get(reverse("study:ledger"), {"org": county.branch1.pk})
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [p.name for p in rows] == ["乙", "丁", "甲", "丙"]
    assert [p.percent for p in rows] == [125, 50, 25, 0]
    assert rows[-1].target == Decimal("32")  # no row yet: the member's target
    unfinished = login(client, secretary).get(
        reverse("study:ledger"), {"org": county.branch1.pk, "show": "unfinished"}
    )
    assert {p.name for p in unfinished.context["page_obj"]} == {"甲", none.name, "丁"}


def test_ledger_behind_filter_uses_the_elapsed_part_of_the_year(client, county, secretary):
    ahead = PersonFactory(primary_org=county.branch1, name="超前")
    behind = PersonFactory(primary_org=county.branch1, name="落后")
    ledger_row(ahead, "32")
    ledger_row(behind, "0")
    response = login(client, secretary).get(
        reverse("study:ledger"), {"org": county.branch1.pk, "show": "behind", "year": YEAR - 1}
    )
    # Last year is over: behind means below the whole target (no rows for last year: all zero).
    assert {p.name for p in response.context["page_obj"]} == {"超前", "落后"}
    this_year = login(client, secretary).get(
        reverse("study:ledger"), {"org": county.branch1.pk, "show": "behind"}
    )
    names = {p.name for p in this_year.context["page_obj"]}
    assert "超前" not in names


def test_ledger_scoping(client, county, make_user, secretary):
    assert (
        login(client, secretary)
        .get(reverse("study:ledger"), {"org": county.branch2.pk})
        .status_code
        == 404
    )
    member = member_with_account(make_user, county.branch1, "member")
    response = login(client, member).get(reverse("study:ledger"))
    assert response.status_code == 302 and response.url == reverse("study:my_hours")
    response = login(client, make_user()).get(reverse("study:ledger"))
    assert response.status_code == 302 and response.url == reverse("study:my_hours")
    # Without an organization: the secretary's own.
    response = login(client, secretary).get(reverse("study:ledger"))
    assert response.context["flt"].organization == county.branch1


def _people_with_rows(orgs, count):
    for org in orgs:
        for i in range(count):
            person = PersonFactory(primary_org=org)
            if i % 2:
                ledger_row(person, str(i))


def test_ledger_in_constant_queries(client, county, make_user, django_assert_max_num_queries):
    officer = make_user("org_dept_admin", county.root)
    login(client, officer)
    url = reverse("study:ledger")
    orgs = (county.branch1, county.branch2, county.community)
    _people_with_rows(orgs, 2)
    with django_assert_max_num_queries(16) as few:
        client.get(url, {"org": county.root.pk})
    _people_with_rows(orgs, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"org": county.root.pk})
    assert response.status_code == 200 and len(response.context["page_obj"]) == 50
    # Behind schedule: 39 people with hours, then 42 without; the first page runs across.
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = client.get(url, {"org": county.root.pk, "show": "behind"})
    lines = list(response.context["page_obj"])
    assert response.context["page_obj"].paginator.count == 81
    assert [line.total > 0 for line in lines] == [True] * 39 + [False] * 11
    response = client.get(url, {"org": county.root.pk, "page": 2, "show": "behind"})
    assert len(response.context["page_obj"]) == 31
    assert len({line.person_id for line in lines + list(response.context["page_obj"])}) == 81


def test_ledger_export(client, county, secretary):
    person = PersonFactory(primary_org=county.branch1, name="张三")
    ledger_row(person, "10", branch="6", concentrated="4")
    response = login(client, secretary).get(
        reverse("study:ledger_export"), {"org": county.branch1.pk}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "姓名", "所在组织")
    assert rows[1][1] == "张三" and rows[1][7] == 10 and rows[1][8] == 32
    assert (
        login(client, secretary)
        .get(reverse("study:ledger_export"), {"org": county.branch2.pk})
        .status_code
        == 404
    )


# --- Branches compared ----------------------------------------------------------------------


def test_compare_children_of_an_organization(client, county, make_user):
    officer = make_user("committee_admin", county.justice)
    a1 = PersonFactory(primary_org=county.branch1)
    a2 = PersonFactory(primary_org=county.branch1)
    b1 = PersonFactory(primary_org=county.branch2)
    direct = PersonFactory(primary_org=county.justice)
    ledger_row(a1, "32")
    ledger_row(a2, "10")
    ledger_row(b1, "40")
    assert direct.pk
    response = login(client, officer).get(reverse("study:compare"), {"org": county.justice.pk})
    assert response.status_code == 200
    result = response.context["result"]
    rows = {r.name: r for r in result["rows"]}
    one = rows[county.branch1.display_name]
    assert (one.people, one.hours, one.done, one.average, one.completion) == (
        2,
        Decimal("42"),
        1,
        Decimal("21.0"),
        50.0,
    )
    two = rows[county.branch2.display_name]
    assert (two.people, two.done, two.completion) == (1, 1, 100.0)
    assert result["own"].people == 1 and result["own"].hours == 0
    assert result["total"].people == 4 and result["total"].done == 2
    chart = response.context["chart"]
    assert chart["completion"][:2] == [50.0, 100.0]
    assert 'id="study-compare-data"' in response.content.decode()
    assert "vendor/echarts/echarts.min.js" in response.content.decode()
    # Outside the scope: 404.
    assert (
        login(client, officer).get(reverse("study:compare"), {"org": county.town.pk}).status_code
        == 404
    )


def test_compare_in_constant_queries(client, county, make_user, django_assert_max_num_queries):
    officer = make_user("org_dept_admin", county.root)
    login(client, officer)
    orgs = (county.branch1, county.branch2, county.community, county.dept)
    for org in orgs:
        ledger_row(PersonFactory(primary_org=org), "4")
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("study:compare"), {"org": county.root.pk})
    for org in orgs:
        for i in range(10):
            ledger_row(PersonFactory(primary_org=org), str(i * 4))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("study:compare"), {"org": county.root.pk})
    assert response.context["result"]["total"].people == 44


# --- Targets ------------------------------------------------------------------------------------


def test_targets_page(client, county, make_user):
    officer = make_user("org_dept_admin", county.root)
    login(client, officer)
    assert client.get(reverse("study:targets")).status_code == 200
    response = client.post(
        reverse("study:targets"),
        {"member_hours": "36", "leader_hours": "60", "leader_keywords": "书记,委员"},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("study:targets"),
        {"member_hours": "0", "leader_hours": "60", "leader_keywords": ""},
    )
    assert bad.status_code == 200 and "年度学时应大于 0" in bad.content.decode()
    for refused in (
        make_user("org_dept_admin", county.justice),
        make_user("branch_secretary", county.branch1),
    ):
        assert login(client, refused).get(reverse("study:targets")).status_code == 403


# --- Self-study pages ---------------------------------------------------------------------------


def test_self_study_pages(client, county, make_user, secretary):
    member = member_with_account(make_user, county.branch1, "member")
    login(client, member)
    assert client.get(reverse("study:self_study_create")).status_code == 200
    response = client.post(
        reverse("study:self_study_create"),
        {
            "title": "学习《党史》第一章",
            "studied_on": timezone.localdate().isoformat(),
            "hours": "1.5",
            "note": "",
            "link": "",
            "file": pdf_file(),
        },
    )
    entry = SelfStudy.objects.get()
    assert response.status_code == 302
    assert client.get(reverse("study:self_study_file", args=[entry.pk])).status_code == 200
    too_long = client.post(
        reverse("study:self_study_create"),
        {
            "title": "通宵学习",
            "studied_on": timezone.localdate().isoformat(),
            "hours": "9",
            "note": "很多",
        },
    )
    assert too_long.status_code == 200 and SelfStudy.objects.count() == 1
    # The secretary returns it, the member corrects it, the secretary approves.
    detail = reverse("study:self_study_detail", args=[entry.pk])
    login(client, secretary).post(detail, {"decision": "return", "comment": "请补充笔记"})
    entry.refresh_from_db()
    assert entry.status == "returned"
    login(client, member)
    edit = reverse("study:self_study_edit", args=[entry.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit,
        {
            "title": entry.title,
            "studied_on": entry.studied_on.isoformat(),
            "hours": "1.5",
            "note": "补充：摘录三段",
        },
    )
    entry.refresh_from_db()
    assert entry.status == "submitted" and entry.file  # the earlier file is kept
    login(client, secretary).post(detail, {"decision": "approve"})
    assert StudyYear.objects.get(person=member.person, year=YEAR).self_study == Decimal("1.5")


def test_self_study_of_others_is_hidden(client, county, make_user):
    entry = SelfStudyFactory(person=PersonFactory(primary_org=county.branch1))
    stranger = member_with_account(make_user, county.branch1, "member")
    login(client, stranger)
    assert client.get(reverse("study:self_study_detail", args=[entry.pk])).status_code == 404
    assert client.get(reverse("study:self_study_edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("study:self_study_withdraw", args=[entry.pk])).status_code == 404
    other_branch = make_user("branch_secretary", county.branch2)
    assert (
        login(client, other_branch)
        .get(reverse("study:self_study_detail", args=[entry.pk]))
        .status_code
        == 404
    )


# --- What the ledger adds to other pages ---------------------------------------------------------


def test_person_panel_and_home_counters(client, county, make_user, secretary):
    member = member_with_account(make_user, county.branch1, "member")
    ledger_row(member.person, "12")
    page = login(client, secretary).get(reverse("orgs:person_detail", args=[member.person.pk]))
    assert 'data-testid="study-panel"' in page.content.decode()
    home = login(client, member).get(reverse("core:home"))
    labels = {c["label"]: c["value"] for c in home.context["counters"]}
    assert (labels["本年学时"], labels["我的待参加学习"]) == ("12 / 32", 0)
    session_with([member.person])
    home = login(client, member).get(reverse("core:home"))
    labels = {c["label"]: c["value"] for c in home.context["counters"]}
    assert labels["我的待参加学习"] == 1
    home = login(client, secretary).get(reverse("core:home"))
    labels = {c["label"]: c["value"] for c in home.context["counters"]}
    assert labels["待审核补学、自学"] == 0


def test_navigation_has_one_entry_for_hours(client, county, make_user, secretary):
    member = member_with_account(make_user, county.branch1, "member")
    for user in (member, secretary):
        response = login(client, user).get(reverse("study:my_hours"))
        items = {item["key"]: item for item in response.context["nav_items"]}
        assert {"study_sessions", "study_hours"} <= set(items)
        assert items["study_hours"]["active"] and not items["study_sessions"]["active"]


def test_my_hours_in_constant_queries(client, county, make_user, django_assert_max_num_queries):
    member = member_with_account(make_user, county.branch1, "member")
    login(client, member)

    def attend(count):
        for _i in range(count):
            session = session_with([member.person], starts_at=timezone.now() - timedelta(hours=3))
            attendance = session.attendances.get()
            credit(
                person_id=member.person.pk,
                year=YEAR,
                kind="branch",
                hours=Decimal("1"),
                source=HoursCredit.Source.ATTENDANCE,
                source_id=attendance.pk,
            )
            SelfStudyFactory(person=member.person)

    attend(1)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("study:my_hours"))
    attend(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("study:my_hours"))
    assert response.context["summary"].total == Decimal("16")
