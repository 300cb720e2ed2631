"""Pages of a meeting's attendance: the QR screen, what a scan opens (every refusal in plain
words), hand marks over htmx, extra attendees, and the panel on the meeting's page with its
query budget."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core import checkin
from grassroots.core.testing import queries_of
from grassroots.meetings.models import Meeting, MeetingAttendance
from grassroots.meetings.tests.test_attendance_support import (
    checkin_url,
    counters,
    login,
    meeting_of,
    member,
    row_of,
)
from grassroots.orgs.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(county, alice):
    return meeting_of(county.branch1, [alice.person, PersonFactory(primary_org=county.branch1)])


def detail_url(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.pk])


# --- The QR screen ----------------------------------------------------------------------------


def test_the_qr_screen_is_for_managers(client, county, make_user, meeting, secretary, alice):
    url = reverse("meetings:meeting_qr", args=[meeting.pk])
    response = login(client, secretary).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'hx-trigger="every 60s"' in body
    assert f"meetings/{meeting.pk}/checkin/?t=" in response.context["checkin_url"]
    code = client.get(reverse("meetings:meeting_qr_code", args=[meeting.pk]))
    assert code.status_code == 200 and "<svg" in code.content.decode()
    # A member on the list sees the meeting, but not its screen; another branch not even that.
    assert login(client, alice).get(url).status_code == 403
    other = make_user("branch_secretary", county.branch2)
    assert login(client, other).get(url).status_code == 404
    assert client.get(reverse("meetings:meeting_qr_code", args=[meeting.pk])).status_code == 404
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    response = login(client, secretary).get(url)
    assert response.status_code == 302


def test_the_code_on_the_screen_checks_in(client, meeting, secretary, alice):
    url = (
        login(client, secretary)
        .get(reverse("meetings:meeting_qr", args=[meeting.pk]))
        .context["checkin_url"]
    )
    response = login(client, alice).get(url)
    assert response.status_code == 200 and response.context["result"].counted


# --- The scan ---------------------------------------------------------------------------------


def test_a_scan_logs_in_first_then_checks_in_once(client, meeting, alice):
    url = checkin_url(meeting)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert "next=" in response.url
    login(client, alice)
    first = client.get(url)
    assert first.status_code == 200 and first.context["result"].counted
    assert "签到成功" in first.content.decode()
    second = client.get(url)
    assert second.status_code == 200 and not second.context["result"].counted
    assert "无需重复签到" in second.content.decode()
    assert counters(meeting) == (2, 1, 0, 0)


def test_scan_refusals_are_clear_and_count_nothing(client, county, make_user, meeting, alice):
    login(client, alice)
    other = meeting_of(county.branch1, [alice.person])
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3600):
        expired = checkin.make_token("meeting", meeting.pk)
    cases = [
        (checkin_url(meeting, token="garbage"), "签到码无效"),
        (checkin_url(meeting, token=expired), "已过期"),
        (checkin_url(meeting, token=checkin.make_token("meeting", other.pk)), "另一场活动"),
        (checkin_url(meeting, token=checkin.make_token("study", meeting.pk)), "签到码无效"),
    ]
    for url, message in cases:
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in response.content.decode(), url
    early = meeting_of(
        county.branch1, [alice.person], starts_at=timezone.now() + timedelta(hours=2)
    )
    response = client.get(checkin_url(early))
    assert response.status_code == 400 and "签到尚未开始" in response.content.decode()
    late = meeting_of(county.branch1, [alice.person], starts_at=timezone.now() - timedelta(hours=3))
    response = client.get(checkin_url(late))
    assert response.status_code == 400 and "签到已结束" in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    response = client.get(checkin_url(meeting))
    assert response.status_code == 400 and "本次会议已取消" in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(status="scheduled")
    stranger = member(make_user, county.branch1)
    response = login(client, stranger).get(checkin_url(meeting))
    assert response.status_code == 400
    assert "不在本次会议的参会人员名单中" in response.content.decode()
    for m in (meeting, other, early, late):
        assert counters(m)[1:] == (0, 0, 0)
    assert not MeetingAttendance.objects.filter(person=stranger.person).exists()


def test_an_extra_attendee_by_scan(client, county, make_user, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(allow_extra=True)
    guest = member(make_user, county.community)
    response = login(client, guest).get(checkin_url(meeting))
    assert response.status_code == 200
    assert "已记为临时参会人员" in response.content.decode()
    assert counters(meeting) == (2, 0, 0, 1)


# --- Hand marks -------------------------------------------------------------------------------


def test_a_mark_over_htmx_returns_the_row_and_the_counters(client, meeting, secretary, alice):
    row = row_of(meeting, alice)
    url = reverse("meetings:attendance_mark", args=[meeting.pk, row.pk])
    login(client, secretary)
    response = client.post(url, {"status": "present"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="attendance-{row.pk}"' in body and 'hx-swap-oob="true"' in body
    assert 'data-testid="present-count">1<' in body
    response = client.post(url, {"status": "leave"}, HTTP_HX_REQUEST="true")
    assert "请填写请假事由" in response.content.decode()
    assert counters(meeting) == (2, 1, 0, 0)
    response = client.post(url, {"status": "leave", "reason": "出差"})
    assert response.status_code == 302
    assert counters(meeting) == (2, 0, 1, 0)


def test_marks_refused_to_members_and_other_branches(client, county, make_user, meeting, alice):
    row = row_of(meeting, alice)
    url = reverse("meetings:attendance_mark", args=[meeting.pk, row.pk])
    assert login(client, alice).post(url, {"status": "present"}).status_code == 403
    other = make_user("branch_secretary", county.branch2)
    assert login(client, other).post(url, {"status": "present"}).status_code == 404
    for name in ("attendance_all_present", "attendance_rest_absent"):
        assert client.post(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404
    assert counters(meeting) == (2, 0, 0, 0)


def test_all_present_and_rest_absent_pages(client, county, secretary, alice):
    people = [alice.person, *(PersonFactory(primary_org=county.branch1) for _ in range(3))]
    meeting = meeting_of(county.branch1, people)
    login(client, secretary)
    response = client.post(reverse("meetings:attendance_rest_absent", args=[meeting.pk]))
    assert response.status_code == 302
    assert counters(meeting) == (4, 0, 0, 0)
    assert not MeetingAttendance.objects.filter(meeting=meeting, status="absent").exists()
    response = client.post(
        reverse("meetings:attendance_all_present", args=[meeting.pk]), follow=True
    )
    assert "已将 4 名未签到人员登记为出席" in response.content.decode()
    assert counters(meeting) == (4, 4, 0, 0)


def test_adding_an_extra_attendee_by_picking_a_person(client, county, meeting, secretary):
    guest = PersonFactory(primary_org=county.branch1, name="欧阳临时")
    url = reverse("meetings:attendance_add_extra", args=[meeting.pk])
    login(client, secretary)
    response = client.get(url, {"q": "欧阳"})
    assert response.status_code == 200 and "欧阳临时" in response.content.decode()
    response = client.post(url, {"person": guest.pk})
    assert response.status_code == 302
    assert row_of(meeting, guest).role == "extra"
    assert counters(meeting) == (2, 0, 0, 1)
    response = client.post(url, {"person": guest.pk})
    assert response.status_code == 400 and "已在参会名单中" in response.content.decode()
    stranger = PersonFactory(primary_org=county.community)
    response = client.post(url, {"person": stranger.pk})
    assert response.status_code == 400 and "不在您的管理范围内" in response.content.decode()
    assert counters(meeting) == (2, 0, 0, 1)


# --- The panel on the meeting's page ---------------------------------------------------------


def test_the_panel_shows_managers_the_list_and_members_their_own_row(
    client, county, make_user, meeting, secretary, alice
):
    response = login(client, secretary).get(detail_url(meeting))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="attendance-row"') == 2
    assert 'data-testid="mark-present"' in body and 'data-testid="qr-link"' in body
    assert 'data-testid="all-present"' in body
    response = login(client, alice).get(detail_url(meeting))
    body = response.content.decode()
    assert 'data-testid="attendance-row"' not in body and 'data-testid="qr-link"' not in body
    assert 'data-testid="my-attendance"' in body and "待签到" in body
    # A viewer of the organization reads the list but cannot mark it.
    inspector = make_user("discipline_inspector", county.root)
    body = login(client, inspector).get(detail_url(meeting)).content.decode()
    assert body.count('data-testid="attendance-row"') == 2
    assert 'data-testid="mark-present"' not in body


def test_the_panels_cost_the_same_for_few_and_many_rows(client, county, secretary):
    from grassroots.meetings.services import minutes as minutes_services
    from grassroots.meetings.tests.test_attendance_support import pdf_file, png_file

    def meeting_with(n):
        people = [PersonFactory(primary_org=county.branch1) for _ in range(n)]
        m = meeting_of(county.branch1, people[: n - 1], people[n - 1 :])
        for _i in range(n // 2):
            MeetingAttendance.objects.create(
                meeting=m,
                person=PersonFactory(primary_org=county.branch2),
                role="extra",
                status="present",
            )
        minutes_services.minutes_publish(
            meeting=m, actor=secretary, text="会议记录", decisions="一\n二"
        )
        for i in range(n // 2):
            minutes_services.minutes_revise(
                meeting=m, actor=secretary, text=f"第{i}次", decisions="", reason="更正"
            )
            minutes_services.attachment_add(meeting=m, file=pdf_file(), actor=secretary)
            minutes_services.attachment_add(
                meeting=m, file=png_file(size=(40, 30)), actor=secretary
            )
        return m

    login(client, secretary)
    few = queries_of(client, detail_url(meeting_with(2)))
    many = queries_of(client, detail_url(meeting_with(10)))
    assert few == many
