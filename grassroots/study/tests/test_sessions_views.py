"""Pages of plans, sessions, attendance, the QR check-in, leave, make-up and the review queue:
who gets what, what a scan does, and how many queries a list costs."""

import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core import checkin
from grassroots.orgs.tests.factories import PersonFactory
from grassroots.study.models import (
    Attendance,
    HoursCredit,
    MakeUp,
    SelfStudy,
    StudyPlan,
    StudySession,
    StudyYear,
)
from grassroots.study.tests.factories import (
    AttendanceFactory,
    MakeUpFactory,
    SelfStudyFactory,
    StudyPlanFactory,
    StudySessionFactory,
    member_with_account,
    pdf_file,
    session_with,
)
from grassroots.study.tests.library_factories import MaterialFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def detail_url(session):
    return reverse("study:session_detail", args=[session.pk])


def checkin_url(session, action="in", token=None):
    token = token or checkin.make_token("study", session.pk, action)
    return reverse("study:checkin", args=[session.pk]) + "?t=" + quote(token)


@pytest.fixture
def secretary(county, make_user):
    return make_user("branch_secretary", county.branch1)


@pytest.fixture
def member(county, make_user):
    return member_with_account(make_user, county.branch1, "member")


@pytest.fixture
def running(member):
    return session_with(
        [member.person],
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=1),
    )


# --- The session list and page ----------------------------------------------------------------


def test_list_is_scoped(client, county, make_user, member):
    own = session_with([member.person], title="本人参加的")
    StudySessionFactory(organization=county.branch1, title="本支部其他")
    StudySessionFactory(organization=county.branch2, title="二支部的")
    StudySessionFactory(organization=county.community, title="社区的")

    def titles(user):
        response = login(client, user).get(reverse("study:sessions"))
        assert response.status_code == 200
        return {s.title for s in response.context["page_obj"]}

    assert titles(member) == {own.title}
    assert titles(make_user("branch_secretary", county.branch1)) == {"本人参加的", "本支部其他"}
    assert titles(make_user("committee_admin", county.justice)) == {
        "本人参加的",
        "本支部其他",
        "二支部的",
    }
    assert len(titles(make_user("org_dept_admin", county.root))) == 4


def test_list_filters_upcoming_and_past(client, county, secretary):
    StudySessionFactory(organization=county.branch1, title="明天")
    StudySessionFactory(
        organization=county.branch1, title="上周", starts_at=timezone.now() - timedelta(days=7)
    )
    login(client, secretary)
    upcoming = client.get(reverse("study:sessions"))
    assert [s.title for s in upcoming.context["page_obj"]] == ["明天"]
    past = client.get(reverse("study:sessions"), {"when": "past"})
    assert [s.title for s in past.context["page_obj"]] == ["上周"]
    both = client.get(reverse("study:sessions"), {"when": "all", "org": county.branch1.pk})
    assert both.context["page_obj"].paginator.count == 2
    # An organization outside the scope is ignored: it neither shows nor leaks anything.
    outside = client.get(reverse("study:sessions"), {"when": "all", "org": county.branch2.pk})
    assert outside.context["flt"].organization is None
    assert outside.context["page_obj"].paginator.count == 2


def test_list_answers_in_constant_queries(
    client, county, secretary, member, django_assert_max_num_queries
):
    for _i in range(40):
        session = StudySessionFactory(organization=county.branch1)
        AttendanceFactory(session=session, person=member.person)
    for user in (secretary, member):
        login(client, user)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("study:sessions"), {"when": "all"})
        assert response.status_code == 200
    with django_assert_max_num_queries(12):
        client.get(
            reverse("study:sessions"),
            {"when": "all"},
            headers={"HX-Request": "true", "HX-Target": "session-table"},
        )


def test_detail_for_the_expected_member_and_404_for_others(client, county, make_user, running):
    member = running.attendances.get().person.user
    assert login(client, member).get(detail_url(running)).status_code == 200
    stranger = member_with_account(make_user, county.branch1, "member")
    assert login(client, stranger).get(detail_url(running)).status_code == 404
    other_secretary = make_user("branch_secretary", county.branch2)
    assert login(client, other_secretary).get(detail_url(running)).status_code == 404
    assert (
        login(client, other_secretary)
        .get(reverse("study:session_edit", args=[running.pk]))
        .status_code
        == 404
    )
    # A member sees their own status, not the attendance table.
    page = login(client, member).get(detail_url(running))
    assert "attendance_page" not in page.context and page.context["mine"] is not None


def test_detail_with_a_large_attendance_in_constant_queries(
    client, county, secretary, django_assert_max_num_queries
):
    people = [PersonFactory(primary_org=county.branch1) for _i in range(120)]
    session = session_with(people)
    login(client, secretary)
    with django_assert_max_num_queries(20):
        response = client.get(detail_url(session))
    assert response.status_code == 200
    assert len(response.context["attendance_page"]) == 100
    assert response.context["counts"]["expected"] == 120


def session_form_data(organization, **extra) -> dict:
    """What the session form posts for a session in the branch tomorrow."""
    starts = timezone.localtime(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    return {
        "organization": organization.pk,
        "title": "学习新党章",
        "kind": "branch",
        "mode": "in_person",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "三楼会议室",
        "hours": "2",
        "audience": "members",
        **extra,
    }


def test_create_session_page(client, county, secretary):
    people = [PersonFactory(primary_org=county.branch1) for _i in range(3)]
    login(client, secretary)
    assert client.get(reverse("study:session_create")).status_code == 200
    data = session_form_data(county.branch1)
    response = client.post(reverse("study:session_create"), data)
    session = StudySession.objects.get()
    assert response.status_code == 302 and response.url == detail_url(session)
    assert session.expected_count == 3
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M") == data["starts_at"]
    assert set(session.attendances.values_list("person_id", flat=True)) == {p.pk for p in people}
    # Bad input: a clear message on the form, nothing saved.
    bad = client.post(reverse("study:session_create"), {**data, "place": "", "hours": "0"})
    assert bad.status_code == 200
    assert "面授学习请填写地点。" in bad.content.decode()
    assert StudySession.objects.count() == 1
    # A hand-picked list.
    client.post(
        reverse("study:session_create"),
        {**data, "title": "支委会学习", "audience": "selected", "people": [people[0].pk]},
    )
    picked = StudySession.objects.get(title="支委会学习")
    assert picked.expected_count == 1


def test_a_session_links_a_plan_and_library_materials(client, county, secretary):
    plan = StudyPlanFactory(organization=county.branch1)
    county_plan = StudyPlanFactory(organization=county.root)
    own = MaterialFactory(organization=county.branch1, title="支部学习材料")
    above = MaterialFactory(organization=county.root, title="县委下发材料")
    elsewhere = MaterialFactory(organization=county.branch2, title="二支部材料")
    login(client, secretary)
    form = client.get(reverse("study:session_create")).context["form"]
    offered = {pk for pk, _label in form.fields["materials"].widget.choices}
    assert {own.pk, above.pk} <= offered and elsewhere.pk not in offered
    assert county_plan.pk in {pk for pk, _label in form.fields["plan"].widget.choices}
    data = session_form_data(county.branch1, plan=plan.pk, materials=[own.pk, above.pk])
    response = client.post(reverse("study:session_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    session = StudySession.objects.get()
    assert session.plan == plan
    assert set(session.materials.all()) == {own, above}
    # Editing keeps them chosen; a material of another branch is refused.
    edit = reverse("study:session_edit", args=[session.pk])
    chosen = client.get(edit).context["form"]["materials"].value()
    assert {getattr(m, "pk", m) for m in chosen} == {own.pk, above.pk}
    refused = client.post(edit, {**data, "materials": [elsewhere.pk]})
    assert refused.status_code == 200 and "materials" in refused.context["form"].errors
    assert set(StudySession.objects.get().materials.all()) == {own, above}


def test_a_plan_lists_library_materials(client, county, secretary):
    material = MaterialFactory(organization=county.branch1)
    login(client, secretary)
    response = client.post(
        reverse("study:plan_create"),
        {
            "organization": county.branch1.pk,
            "year": timezone.localdate().year,
            "title": "本年度学习计划",
            "required_hours": "32",
            "materials": [material.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(StudyPlan.objects.get().materials.all()) == [material]


def test_create_refused_without_the_codename(client, member):
    assert login(client, member).get(reverse("study:session_create")).status_code == 403


def test_edit_and_cancel_pages(client, county, secretary, member):
    session = session_with([member.person])
    login(client, secretary)
    assert client.get(reverse("study:session_edit", args=[session.pk])).status_code == 200
    response = client.post(
        reverse("study:session_cancel", args=[session.pk]), {"reason": "时间调整", "confirm": "on"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert client.get(reverse("study:session_edit", args=[session.pk])).status_code == 302


def test_mark_by_htmx_returns_the_row_and_the_counts(client, county, secretary, running):
    attendance = running.attendances.get()
    url = reverse("study:attendance_mark", args=[running.pk, attendance.pk])
    login(client, secretary)
    response = client.post(url, {"status": "present"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="attendance-{attendance.pk}"' in body and 'hx-swap-oob="true"' in body
    assert StudyYear.objects.get(person=attendance.person).total == Decimal("2")
    response = client.post(
        url, {"status": "leave", "reason": "临时出差"}, headers={"HX-Request": "true"}
    )
    attendance.refresh_from_db()
    assert (attendance.status, attendance.leave_reason) == ("leave", "临时出差")
    assert StudyYear.objects.get(person=attendance.person).total == Decimal("0")
    # Without htmx: back to the page.
    response = client.post(url, {"status": "absent"})
    assert response.status_code == 302


def test_mark_refused_outside_scope_and_for_members(client, county, make_user, running):
    attendance = running.attendances.get()
    url = reverse("study:attendance_mark", args=[running.pk, attendance.pk])
    for user in (make_user("branch_secretary", county.branch2), attendance.person.user):
        assert login(client, user).post(url, {"status": "present"}).status_code == 404
    assert not HoursCredit.objects.exists()


# --- The QR screen and the check-in link -------------------------------------------------------


def test_qr_screen_for_the_organizer_only(client, county, secretary, running):
    response = login(client, secretary).get(reverse("study:session_qr", args=[running.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "<svg" in body
    assert f"every {checkin.REFRESH_SECONDS}s" in body
    url = response.context["checkin_url"]
    assert url.startswith("http://testserver/study/sessions/")
    code = login(client, secretary).get(
        reverse("study:session_qr_code", args=[running.pk]), {"action": "out"}
    )
    assert code.status_code == 200 and code.context["action"] == "out"
    member = running.attendances.get().person.user
    assert (
        login(client, member).get(reverse("study:session_qr", args=[running.pk])).status_code == 404
    )


def test_scan_logs_in_first_then_signs_in_once(client, running):
    url = checkin_url(running)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert "next=" in response.url
    member = running.attendances.get().person.user
    login(client, member)
    first = client.get(url)
    assert first.status_code == 200 and first.context["result"].counted
    assert "签到成功" in first.content.decode()
    second = client.get(url)
    assert second.status_code == 200 and not second.context["result"].counted
    assert "无需重复签到" in second.content.decode()
    running.refresh_from_db()
    assert running.present_count == 1
    assert HoursCredit.objects.count() == 1
    out = client.get(checkin_url(running, "out"))
    assert out.status_code == 200 and "签退成功" in out.content.decode()


def test_scan_refusals_count_nothing(client, county, make_user, running):
    member = running.attendances.get().person.user
    login(client, member)
    other = StudySessionFactory(organization=county.branch1)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3600):
        expired = checkin.make_token("study", running.pk, "in")
    cases = [
        (checkin_url(running, token="garbage"), "签到码无效"),
        (checkin_url(running, token=expired), "已过期"),
        (checkin_url(running, token=checkin.make_token("study", other.pk)), "另一场活动"),
        (checkin_url(running, token=checkin.make_token("meetings", running.pk)), "签到码无效"),
    ]
    for url, message in cases:
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in response.content.decode()
    stranger = member_with_account(make_user, county.branch1)
    response = login(client, stranger).get(checkin_url(running))
    assert (
        response.status_code == 400
        and "不在本次学习活动的参加人员名单中" in response.content.decode()
    )
    login(client, member)
    early = session_with([member.person], starts_at=timezone.now() + timedelta(hours=2))
    response = client.get(checkin_url(early))
    assert response.status_code == 400 and "签到尚未开始" in response.content.decode()
    late = session_with(
        [member.person],
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    response = client.get(checkin_url(late))
    assert response.status_code == 400 and "签到已结束" in response.content.decode()
    StudySession.objects.filter(pk=running.pk).update(status="cancelled")
    response = client.get(checkin_url(running))
    assert response.status_code == 400 and "已取消" in response.content.decode()
    assert not HoursCredit.objects.exists()
    assert not Attendance.objects.filter(status="present").exists()


def test_scan_of_a_missing_session_is_404(client, member):
    token = checkin.make_token("study", 999_999)
    url = reverse("study:checkin", args=[999_999]) + "?t=" + quote(token)
    assert login(client, member).get(url).status_code == 404


# --- Leave and make-up ------------------------------------------------------------------------


def test_leave_request_page(client, member):
    session = session_with([member.person])
    login(client, member)
    url = reverse("study:leave_request", args=[session.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "参加县里培训"})
    assert response.status_code == 302
    assert Attendance.objects.get(session=session).status == "leave"
    client.post(reverse("study:leave_withdraw", args=[session.pk]))
    assert Attendance.objects.get(session=session).status == "expected"


def test_makeup_submit_review_and_download(client, county, make_user, member, secretary):
    session = session_with([member.person], starts_at=timezone.now() - timedelta(days=1))
    attendance = Attendance.objects.get(session=session)
    Attendance.objects.filter(pk=attendance.pk).update(status="absent")
    login(client, member)
    url = reverse("study:makeup_submit", args=[attendance.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "观看录像", "file": pdf_file(), "link": ""})
    makeup = MakeUp.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "study:makeup_detail", args=[makeup.pk]
    )
    download = client.get(reverse("study:makeup_file", args=[makeup.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    # Someone else's attendance: 404.
    stranger = member_with_account(make_user, county.branch1)
    assert login(client, stranger).get(url).status_code == 404
    assert (
        login(client, stranger).get(reverse("study:makeup_file", args=[makeup.pk])).status_code
        == 404
    )
    # The member cannot review their own; the secretary approves.
    detail = reverse("study:makeup_detail", args=[makeup.pk])
    assert login(client, member).post(detail, {"decision": "approve"}).status_code == 403
    response = login(client, secretary).post(detail, {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    assert StudyYear.objects.get(person=member.person).total == Decimal("2")


def test_review_queue_is_scoped(client, county, make_user, secretary):
    mine = member_with_account(make_user, county.branch1)
    theirs = member_with_account(make_user, county.branch2)
    for user in (mine, theirs):
        session = session_with([user.person], starts_at=timezone.now() - timedelta(days=1))
        MakeUpFactory(attendance=session.attendances.get())
        SelfStudyFactory(person=user.person)
    login(client, secretary)
    response = client.get(reverse("study:review_queue"))
    assert response.status_code == 200
    assert response.context["makeup_count"] == 1 and response.context["self_count"] == 1
    committee = make_user("committee_admin", county.justice)
    response = login(client, committee).get(reverse("study:review_queue"), {"tab": "self"})
    assert response.context["makeup_count"] == 2 and response.context["self_count"] == 2
    assert login(client, mine).get(reverse("study:review_queue")).status_code == 403


def test_a_secretary_s_own_submissions_are_not_theirs_to_review(client, county, make_user):
    own = member_with_account(make_user, county.branch1, "branch_secretary")
    other = member_with_account(make_user, county.branch1)
    for user in (own, other):
        session = session_with([user.person], starts_at=timezone.now() - timedelta(days=1))
        MakeUpFactory(attendance=session.attendances.get())
        SelfStudyFactory(person=user.person)
    login(client, own)
    response = client.get(reverse("study:review_queue"))
    assert response.context["makeup_count"] == 1 and response.context["self_count"] == 1
    assert [m.attendance.person for m in response.context["page_obj"]] == [other.person]
    mine = MakeUp.objects.get(attendance__person=own.person)
    detail = reverse("study:makeup_detail", args=[mine.pk])
    page = client.get(detail)
    assert page.status_code == 200 and page.context["can_review"] is False
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    entry = SelfStudy.objects.get(person=own.person)
    detail = reverse("study:self_study_detail", args=[entry.pk])
    assert client.get(detail).context["can_review"] is False
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    assert not HoursCredit.objects.exists()


# --- Plans ---------------------------------------------------------------------------------


def test_plan_pages(client, county, secretary, member):
    login(client, secretary)
    assert client.get(reverse("study:plans")).status_code == 200
    response = client.post(
        reverse("study:plan_create"),
        {
            "organization": county.branch1.pk,
            "year": timezone.localdate().year,
            "title": "本年度学习计划",
            "topics": "党章\n党史",
            "required_hours": "32",
        },
    )
    assert response.status_code == 302
    plan_url = response.url
    page = client.get(plan_url)
    assert page.status_code == 200 and page.context["topics"] == ["党章", "党史"]
    other = StudyPlanFactory(organization=county.branch2)
    assert client.get(reverse("study:plan_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("study:plan_edit", args=[other.pk])).status_code == 404
    assert login(client, member).get(reverse("study:plans")).status_code == 403
